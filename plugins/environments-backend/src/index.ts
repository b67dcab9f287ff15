/**
 * Backend plugin that reads each stage of a catalog entity from Kubernetes and Prometheus.
 *
 * @packageDocumentation
 */
export { environmentsPlugin as default } from './plugin';
/**
 * Condition helpers for permission policies, e.g.
 * `createEnvironmentsConditionalDecision(permission, environmentsConditions.isTargetStage({ stages: ['dev'] }))`.
 */
export {
  createEnvironmentsConditionalDecision,
  environmentsConditions,
  isTargetStage,
} from './services/promotion';
