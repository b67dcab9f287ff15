/**
 * Scaffolder actions that deploy a new service into a stage.
 *
 * @packageDocumentation
 */
export { scaffolderModuleEnvironments as default } from './module';
export { createStageAction } from './actions/stage';
