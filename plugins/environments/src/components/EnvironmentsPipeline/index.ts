export { EnvironmentsPipeline } from './EnvironmentsPipeline';
