import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  DeployRecord,
  FleetPromotion,
  Promotion,
  PromotionList,
  PromotionPreview,
  StageChecklist,
  StageGovernance,
} from '@envportal/plugin-environments-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Request } from 'express';
import type { EnvironmentsConfig } from '../../config';
import type { WorkloadCacheService } from '../cache';
import type { ClusterRegistry } from '../clusters';
import type { EntityRefParts, EntityResolver } from '../entities';
import type { PromotionStore } from '../../database/PromotionStore';
import type { PrometheusClient } from '../metrics';
import type { PromotionSettings } from './settings';
import type { PromotionStrategy } from './strategies';

/** Computes one stage's verification checklist (the status engineer's checklist service fits this). */
export interface ChecklistSource {
  forStage(
    entity: Entity,
    stage: string,
    options: { credentials: BackstageCredentials },
  ): Promise<StageChecklist>;
}

export type PromotionRequest = {
  entity: EntityRefParts;
  from: string;
  to: string;
  overrideReason?: string;
  /** Why it must run while the target stage's window is closed (an emergency). */
  windowOverrideReason?: string;
  idempotencyKey?: string;
};

export type RollbackRequest = {
  entity: EntityRefParts;
  stage: string;
  reason?: string;
  idempotencyKey?: string;
};

export type DeployRecordInput = {
  entity: EntityRefParts;
  stage: string;
  /** The image the deploy put there; the record is refused unless the stage runs it. */
  image?: string;
};

export type CallOptions = {
  credentials: BackstageCredentials;
  /** The HTTP request, when there is one, so audit events carry its context. */
  request?: Request;
};

export interface PromotionService {
  preview(
    input: { entity: EntityRefParts; from: string; to: string },
    options: CallOptions,
  ): Promise<PromotionPreview>;
  /** `created: false` when the idempotency key matched an earlier request. */
  create(
    input: PromotionRequest,
    options: CallOptions,
  ): Promise<{ promotion: Promotion; created: boolean }>;
  /** `created: false` when the idempotency key matched an earlier request. */
  rollback(
    input: RollbackRequest,
    options: CallOptions,
  ): Promise<{ promotion: Promotion; created: boolean }>;
  /**
   * Records what a stage runs after a deploy the portal did not make, as its drift baseline;
   * `created: false` when the stage already runs what its last change put there.
   */
  recordDeploy(
    input: DeployRecordInput,
    options: CallOptions,
  ): Promise<{ record: DeployRecord; created: boolean }>;
  /** An approver approves or rejects a promotion awaiting approval. */
  decide(
    input: { id: string; decision: 'approve' | 'reject'; comment?: string },
    options: CallOptions,
  ): Promise<Promotion>;
  /** Each stage's approval policy and deploy window state. */
  stages(): StageGovernance[];
  /**
   * Every promotion in flight or waiting, of every entity, by entity ref. No permission check: the
   * fleet shows them only on the rows of entities the caller can read.
   */
  active(): Promise<Map<string, FleetPromotion[]>>;
  /**
   * Expires approval requests past their validity and starts the promotions whose approvals are in
   * and whose stage is open. Run on a schedule, like {@link PromotionService.recover}.
   */
  sweep(): Promise<void>;
  get(id: string, options: CallOptions): Promise<Promotion>;
  list(
    input: { entity: EntityRefParts; limit: number; offset: number },
    options: CallOptions,
  ): Promise<PromotionList>;
  /**
   * Takes over the active promotions whose owner stopped renewing its lease (a replica that died
   * or restarted) and finishes or fails them. Never touches a promotion whose owner is alive.
   */
  recover(): Promise<void>;
  /**
   * Stops this replica's runs where they are and releases their leases, so another replica takes
   * them over at once (a rolling update, a scale-down).
   */
  shutdown(): Promise<void>;
  /** Resolves when every promotion this process runs has ended (tests). */
  idle(): Promise<void>;
}

export type PromotionServiceDeps = {
  logger: LoggerService;
  auditor: AuditorService;
  /** The plugin's own credentials, for work no user waits on (a resumed promotion's soak). */
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  permissions: PermissionsService;
  store: PromotionStore;
  registry: ClusterRegistry;
  workloadCache: WorkloadCacheService;
  entities: EntityResolver;
  environments: EnvironmentsConfig;
  settings: PromotionSettings;
  checklist?: ChecklistSource;
  /** The shared Prometheus client; without it metric gates are unknown. */
  prometheus?: PrometheusClient;
  /** Who an approver is (their groups); without it nobody can approve. */
  userInfo?: Pick<UserInfoService, 'getUserInfo'>;
  /** Backstage's notifications; without it nobody is notified. */
  notifications?: NotificationService;
  /** The clock for deploy windows and approval expiry (tests); default: the system's. */
  now?: () => Date;
  /** This replica's owner id in the database (tests); default: host, pid and a random suffix. */
  ownerId?: string;
  /** Overrides the strategy per stage (tests); default from settings. */
  strategyFor?: (stage: string) => PromotionStrategy;
};
