export { callerKey, createEntityResolver } from './createEntityResolver';
export type { EntityResolver, EntityRefParts } from './createEntityResolver';
export { workloadSelectorFor } from './workloadSelector';
export type { WorkloadSelector } from './workloadSelector';
export { parseLabelSelector, matcherFromLabelSelector } from './labelSelector';
export type { LabelMatcher } from './labelSelector';
export { workloadOwnershipProblem } from './workloadOwnership';
