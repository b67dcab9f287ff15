import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  EnvironmentsStatusResponse,
  StageStatus,
} from '@envportal/plugin-environments-common';
import { EnvironmentStage } from '../../config';
import { NamespaceCache } from '../cache';
import { EntityRefParts, WorkloadSelector } from '../entities';
import { WorkloadSnapshot } from './workloadSnapshot';

/** One stage of one entity, read from the cache; what the checklist and promotion build on. */
export type StageView = {
  stage: EnvironmentStage;
  clusterName: string;
  /** Present when the cache synced (possibly stale); absent when the cluster was never reached. */
  cache?: NamespaceCache;
  snapshot?: WorkloadSnapshot;
  status: StageStatus;
};

export type EntityStageViews = {
  entity: Entity;
  entityRef: string;
  /** Undefined when the entity carries no workload annotations ("not configured"). */
  selector?: WorkloadSelector;
  views: StageView[];
};

export interface EnvironmentStatusService {
  /** Status of every configured stage (or the named ones) of an entity the caller can read. */
  getStatus(
    input: { entity: EntityRefParts; stages?: string[] },
    options: { credentials: BackstageCredentials },
  ): Promise<EnvironmentsStatusResponse>;
  /** The same, with the cache objects behind each answer, for the checklist and promotion. */
  getStageViews(
    input: { entity: EntityRefParts; stages?: string[] },
    options: { credentials: BackstageCredentials },
  ): Promise<EntityStageViews>;
}
