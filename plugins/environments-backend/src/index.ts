/**
 * Backend plugin that reads each stage of a catalog entity from Kubernetes and Prometheus.
 *
 * @packageDocumentation
 */
export { environmentsPlugin as default } from './plugin';
