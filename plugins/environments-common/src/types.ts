/**
 * The shapes environments-backend answers and the Environments tab shows. The contract itself is
 * environments-backend's src/schema/openapi.yaml: the backend's handlers return these types into the
 * router generated from it, and the frontend's generated client returns its models as these types, so
 * the compiler fails on either side when the two drift apart.
 *
 * Routes (under /api/environments):
 *   GET  /entities/:kind/:namespace/:name/status
 *   GET  /entities/:kind/:namespace/:name/checklist[?stage=]
 *   GET  /entities/:kind/:namespace/:name/metrics?range=1h[&stage=]
 *   POST /entities/:kind/:namespace/:name/promotions/preview   { from, to }
 *   POST /entities/:kind/:namespace/:name/promotions           { from, to, overrideReason?, idempotencyKey? }
 *   GET  /entities/:kind/:namespace/:name/promotions[?limit=&offset=]
 *   GET  /promotions/:id
 *   POST /entities/:kind/:namespace/:name/rollbacks            { stage, reason? }
 */

/** A stage as configured (ordered; the first is where new services land). @public */
export type StageDefinition = {
  name: string;
  cluster: string;
  namespace: string;
  /** Promotion into this stage needs the override-free approval path (e.g. prod). */
  requiresApproval?: boolean;
};

/** Result of one check or gate. Missing data is `unknown`, never `pass`. @public */
export type CheckResult = 'pass' | 'fail' | 'warn' | 'unknown';

/** @public */
export type RolloutState = 'progressing' | 'complete' | 'failed' | 'unknown';

/** @public */
export type PodSummary = {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
  zone?: string;
  image?: string;
  /** The image digest the kubelet reports (`imageID`), when known. */
  imageDigest?: string;
  startedAt?: string;
};

/** @public */
export type WorkloadEvent = {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `Kind/name` of the object the event is about. */
  object: string;
  count: number;
  lastSeen: string;
};

/** @public */
export type HealthEndpointResult = {
  live: CheckResult;
  ready: CheckResult;
  detail: string;
};

/** @public */
export type WorkloadStatus = {
  kind: 'Deployment';
  name: string;
  image: string;
  imageDigest?: string;
  /** From the app.kubernetes.io/version label, else the image tag. */
  version?: string;
  replicas: {
    desired: number;
    ready: number;
    updated: number;
    available: number;
  };
  rollout: { state: RolloutState; message?: string; revision?: string };
};

/** @public */
export type StageStatus = {
  stage: string;
  cluster: string;
  namespace: string;
  /**
   * `ok`: data read; `not-found`: no workload matched in this stage; `error`: the cluster could not be
   * read (the last known data, if any, is still returned and marked stale).
   */
  state: 'ok' | 'not-found' | 'error';
  error?: string;
  workload?: WorkloadStatus;
  /** Pods of the workload, at most 100: not ready first, then most restarts, then by name. */
  pods: PodSummary[];
  /** How many pods the workload has in all (`pods` may list fewer). */
  podCount?: number;
  events: WorkloadEvent[];
  health?: HealthEndpointResult;
  /** When the cache behind this answer last heard from the cluster (ISO 8601). */
  observedAt?: string;
  /** Age of the data in seconds at the time of the answer. */
  dataAgeSeconds?: number;
  stale: boolean;
};

/** @public */
export type EnvironmentsStatusResponse = {
  entityRef: string;
  /** False when the entity has no annotation that finds its workloads. */
  configured: boolean;
  stages: StageStatus[];
  generatedAt: string;
};

/** @public */
export type ChecklistItemResult = {
  id: string;
  group: string;
  title: string;
  result: CheckResult;
  /** The evidence, in words: what was read and what it showed. */
  evidence: string;
};

/** @public */
export type StageChecklist = {
  stage: string;
  items: ChecklistItemResult[];
  summary: Record<CheckResult, number>;
};

/** @public */
export type ChecklistResponse = {
  entityRef: string;
  stages: StageChecklist[];
  generatedAt: string;
};

/** @public */
export type MetricName =
  | 'requestRate'
  | 'errorRate'
  | 'latencyP95'
  | 'cpu'
  | 'memory'
  | 'restarts';

/** @public */
export type MetricSeries = {
  metric: MetricName;
  /** e.g. `req/s`, `ratio`, `seconds`, `cores`, `bytes`, `count`. */
  unit: string;
  /** [unix seconds, value] pairs. */
  points: Array<[number, number]>;
  /** The gate threshold drawn on the chart, in the same unit, when there is one. */
  threshold?: number;
};

/** @public */
export type StageMetrics = {
  stage: string;
  available: boolean;
  error?: string;
  series: MetricSeries[];
};

/** @public */
export type MetricsResponse = {
  entityRef: string;
  range: { start: number; end: number; step: number };
  stages: StageMetrics[];
};

/** A promotion gate. Too little traffic is `insufficient-data`, not a pass. @public */
export type GateResult = {
  id: string;
  title: string;
  result: CheckResult | 'insufficient-data';
  detail: string;
};

/** @public */
export type RiskLevel = 'low' | 'medium' | 'high';

/** @public */
export type PromotionRisk = { level: RiskLevel; reasons: string[] };

/** @public */
export type PromotionDiffEntry = { field: string; from?: string; to?: string };

/** @public */
export type PromotionPreview = {
  entityRef: string;
  from: string;
  to: string;
  source: { image: string; imageDigest?: string; version?: string };
  target: { image?: string; version?: string };
  diff: PromotionDiffEntry[];
  gates: GateResult[];
  gatesPassed: boolean;
  risk: PromotionRisk;
  /** Whether the caller may promote into `to` at all. */
  allowed: boolean;
  /** Whether the caller may proceed past failed gates with a reason. */
  canOverride: boolean;
  /** Why the promotion cannot proceed, when it cannot. */
  blockedReason?: string;
};

/** @public */
export type PromotionState =
  | 'pending'
  | 'running'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'rolled-back';

/** @public */
export type Promotion = {
  id: string;
  entityRef: string;
  from: string;
  to: string;
  strategy: 'image' | 'helm';
  state: PromotionState;
  imageBefore?: string;
  imageAfter: string;
  progress: { desired: number; updated: number; ready: number };
  gates: GateResult[];
  risk: PromotionRisk;
  overrideReason?: string;
  requestedBy: string;
  createdAt: string;
  finishedAt?: string;
  durationMs?: number;
  rollback?: { reason: string; at: string };
  error?: string;
  /** A short human-readable summary for release notes. */
  summary: string;
};

/** @public */
export type PromotionList = { items: Promotion[]; total: number };
