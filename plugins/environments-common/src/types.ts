/**
 * The shapes environments-backend answers and the Environments tab shows. Their one source is
 * environments-backend's src/schema/openapi.yaml: these are the models generated from it
 * (`scripts/openapi-generate`), so the backend's typed router, this package and the frontend agree by
 * construction.
 *
 * Routes (under /api/environments):
 *   GET  /entities/:kind/:namespace/:name/status
 *   GET  /entities/:kind/:namespace/:name/checklist[?stage=]
 *   GET  /entities/:kind/:namespace/:name/metrics?range=1h[&stage=]
 *   POST /entities/:kind/:namespace/:name/promotions/preview   { from, to }
 *   POST /entities/:kind/:namespace/:name/promotions           { from, to, overrideReason?, windowOverrideReason?, idempotencyKey? }
 *   GET  /entities/:kind/:namespace/:name/promotions[?limit=&offset=]
 *   GET  /promotions/:id
 *   POST /promotions/:id/approvals                             { decision, comment? }
 *   GET  /stages                                               approval policy and window per stage
 *   GET  /fleet                                                every component by stage, from the caches
 *   GET  /entities/:kind/:namespace/:name/drift              what runs against what was last promoted or deployed
 *   GET  /dora[?range=30d]                                     delivery metrics of every readable component
 *   GET  /entities/:kind/:namespace/:name/dora[?range=30d]     delivery metrics of one component
 *   POST /entities/:kind/:namespace/:name/rollbacks            { stage, reason? }
 *   POST /entities/:kind/:namespace/:name/deploys              { stage, image? }  a deploy as drift baseline
 */
export type {
  ApprovalDecision,
  ApprovalDecisionDecisionEnum,
  ApprovalRequest,
  ApprovalRequestDecisionEnum,
  CheckCounts,
  ChecklistItemResult,
  ChecklistResponse,
  CheckResult,
  DoraDuration,
  DoraMetrics,
  DoraMetricsChangeFailureRate,
  DoraMetricsDeploymentFrequency,
  DoraMetricsDeploymentFrequencyByWeekInner,
  DoraMetricsTimeToRestore,
  DoraRange,
  DriftResponse,
  EnvironmentsStatusResponse,
  FleetPromotion,
  FleetResponse,
  FleetRow,
  FleetStage,
  FleetStageBehind,
  FleetStageStateEnum,
  GateResult,
  GateResultResultEnum,
  Health,
  HealthEndpointResult,
  HealthStatusEnum,
  MetricName,
  MetricSeries,
  MetricsResponse,
  MetricsResponseRange,
  PodSummary,
  DeployRecord,
  DeployRecordKindEnum,
  DeployRecordRequest,
  PreviewRequest,
  Promotion,
  PromotionDiffEntry,
  PromotionList,
  PromotionApproval,
  PromotionPreview,
  PromotionPreviewSource,
  PromotionPreviewTarget,
  PromotionProgress,
  PromotionRequest,
  PromotionRisk,
  PromotionRollback,
  PromotionState,
  PromotionStrategyEnum,
  RiskLevel,
  RollbackRequest,
  RolloutState,
  StageChecklist,
  StageDrift,
  StageDriftChangeKindEnum,
  StageDriftChangedBy,
  StageDriftStateEnum,
  StageGovernance,
  StageGovernanceApproval,
  StageGovernanceList,
  StageWindow,
  StageWindowOutsideEnum,
  StageMetrics,
  StageStatus,
  StageStatusStateEnum,
  WorkloadEvent,
  WorkloadEventTypeEnum,
  WorkloadStatus,
  WorkloadStatusKindEnum,
  WorkloadStatusReplicas,
  WorkloadStatusRollout,
} from './schema/openapi/generated/models';

/** A stage as configured (ordered; the first is where new services land). @public */
export type StageDefinition = {
  name: string;
  cluster: string;
  namespace: string;
  /** Promotion into this stage needs the override-free approval path (e.g. prod). */
  requiresApproval?: boolean;
};
