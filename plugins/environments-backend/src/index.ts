/**
 * Backend plugin that reads each stage of a catalog entity from Kubernetes and Prometheus.
 * Permission policies find the environments rules and condition helpers in
 * `@envportal/plugin-environments-node`.
 *
 * @packageDocumentation
 */
export { environmentsPlugin as default } from './plugin';
