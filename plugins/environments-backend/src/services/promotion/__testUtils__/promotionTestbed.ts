import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CHECKLIST,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import type { JsonObject } from '@backstage/types';
import { randomUUID } from 'node:crypto';
import { readEnvironmentsConfig } from '../../../config';
import { NewPromotion, PromotionStore } from '../../../database/PromotionStore';
import { createClusterRegistry } from '../../clusters';
import { createEntityResolver } from '../../entities';
import type { PrometheusClient } from '../../metrics';
import type { GateMetrics } from '../gates';
import { readPromotionSettings } from '../settings';
import type { PromotionStrategy } from '../strategies';
import type { ChecklistSource, PromotionServiceDeps } from '../types';
import { CONTAINER, DEPLOYMENT, fakeCluster, FakeCluster } from './fakeCluster';
import { demoUserInfo } from './policyPermissions';

export const ORDERS_REF = {
  kind: 'component',
  namespace: 'default',
  name: 'orders',
};
export const ORDERS = 'component:default/orders';

/** A promotion of orders from dev (1.2.0) into staging (1.1.0) by alice, as `create` records it. */
export function ordersPromotion(
  overrides: Partial<NewPromotion> = {},
): NewPromotion {
  return {
    id: randomUUID(),
    kind: 'promotion',
    entityRef: ORDERS,
    from: 'dev',
    to: 'staging',
    strategy: 'image',
    deployment: DEPLOYMENT,
    container: CONTAINER,
    imageBefore: 'registry.local/orders:1.1.0',
    imageAfter: 'registry.local/orders:1.2.0',
    gates: [],
    risk: { level: 'low', reasons: [] },
    requestedBy: 'user:default/alice',
    summary: 'orders 1.1.0 → 1.2.0 in staging',
    workloadKey: `local/staging/${DEPLOYMENT}`,
    ...overrides,
  };
}

export const ordersEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

/** One audit event as an operator reads it in the audit log. */
export type AuditRecord = {
  eventId: string;
  /** `high` for changes to a production stage. */
  severity?: string;
  actor?: string;
  meta: JsonObject;
  outcome: 'open' | 'succeeded' | 'failed';
  error?: string;
};

/** The auditor every write goes through, keeping the events in the order they were written. */
export function recordingAuditor() {
  const events: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    async createEvent({ eventId, severityLevel, meta }) {
      const record: AuditRecord = {
        eventId,
        severity: severityLevel,
        actor: meta?.actor as string | undefined,
        meta: meta ?? {},
        outcome: 'open',
      };
      events.push(record);
      return {
        async success() {
          record.outcome = 'succeeded';
        },
        async fail({ error }) {
          record.outcome = 'failed';
          record.error = error.message;
        },
      };
    },
  });
  return { auditor, events };
}

/** A notification as its recipients get it. */
export type SentNotification = {
  to: string[];
  title: string;
  description?: string;
  link?: string;
};

/**
 * Backstage's notifications service as the promotion engine calls it, keeping what was sent (the
 * notifications backend that would resolve groups to users is a plugin of its own).
 */
export function recordingNotifications() {
  const sent: SentNotification[] = [];
  const service: NotificationService = {
    async send({ recipients, payload }) {
      if (recipients.type !== 'entity')
        throw new Error('broadcast not expected');
      sent.push({
        to: [recipients.entityRef].flat(),
        title: payload.title,
        description: payload.description,
        link: payload.link,
      });
    },
  };
  return { service, sent };
}

/** A stand-in for Prometheus answering the three gate queries with `metrics`, read at query time. */
export function fakePrometheus(metrics: GateMetrics): PrometheusClient {
  const sample = (value?: number) =>
    value === undefined ? [] : [{ labels: {}, value }];
  return {
    ready: async () => ({ ready: true, detail: 'ready' }),
    async query(promql) {
      if (promql.startsWith('histogram_quantile')) {
        return sample(metrics.latencyP95Seconds);
      }
      if (promql.includes('status_code=~"5.."')) return sample(metrics.errors);
      return sample(metrics.requests);
    },
    queryRange: async () => [],
    alertRules: async () => [],
  };
}

/** A stand-in for the checklist service: every item of the stage passes. */
export const passingChecklist: ChecklistSource = {
  async forStage(_entity, stage): Promise<StageChecklist> {
    return {
      stage,
      items: CHECKLIST.map(i => ({
        id: i.id,
        group: i.group,
        title: i.title,
        result: 'pass' as const,
        evidence: 'checked',
      })),
      summary: { pass: CHECKLIST.length, fail: 0, warn: 0, unknown: 0 },
    };
  },
};

/** Traffic that passes every metric gate. */
export const healthyTraffic = (): GateMetrics => ({
  requests: 1000,
  errors: 0,
  latencyP95Seconds: 0.12,
});

/**
 * Stages dev → staging → prod on one cluster, staging and prod with a promote account, and the
 * promotion settings given for `environments.promotion`.
 */
export function testConfig(promotion: JsonObject = {}) {
  return new ConfigReader({
    environments: {
      stages: [
        { name: 'dev', cluster: 'local', namespace: 'dev' },
        {
          name: 'staging',
          cluster: 'local',
          namespace: 'staging',
          promoteServiceAccountToken: 'staging-promote-token',
        },
        {
          name: 'prod',
          cluster: 'local',
          namespace: 'prod',
          promoteServiceAccountToken: 'prod-promote-token',
        },
      ],
      promotion,
    },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'local',
              url: 'https://10.0.0.1:6443',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'read-token',
              skipTLSVerify: true,
            },
          ],
        },
      ],
    },
  });
}

/**
 * Everything the promotion engine runs on: the real store on SQLite, the real registry, resolver and
 * settings; the cluster, Prometheus and the checklist are stand-ins, and `strategy` (when given)
 * replaces the strategy of every stage. `traffic` is what Prometheus answers; change it to fail gates.
 */
export async function promotionTestbed(options: {
  databases: TestDatabases;
  promotion?: JsonObject;
  cluster?: FakeCluster;
  strategy?: PromotionStrategy;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  /** Decides permissions instead of `permission` (e.g. Backstage's permission backend). */
  permissions?: PermissionsService;
  ownerId?: string;
  engine?: TestDatabaseId;
  /** A database shared with another testbed: a second replica, or the same one after a restart. */
  knex?: Knex;
  now?: () => Date;
}) {
  const knex =
    options.knex ??
    (await options.databases.init(options.engine ?? 'SQLITE_3'));
  const store = await PromotionStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const config = testConfig(options.promotion);
  const environments = readEnvironmentsConfig(config);
  const cluster = options.cluster ?? fakeCluster('local');
  const audit = recordingAuditor();
  const traffic = healthyTraffic();
  const logger = mockServices.logger.mock();
  logger.child.mockReturnValue(logger);
  const strategy = options.strategy;
  const notifications = recordingNotifications();
  const deps: PromotionServiceDeps = {
    logger,
    auditor: audit.auditor,
    auth: mockServices.auth(),
    permissions:
      options.permissions ??
      mockServices.permissions({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
    store,
    registry: createClusterRegistry({
      stages: environments.stages,
      access: readClusterAccess(config),
    }),
    workloadCache: cluster.cache,
    entities: createEntityResolver({
      catalog: catalogServiceMock({ entities: [ordersEntity] }),
      auth: mockServices.auth(),
    }),
    environments,
    settings: readPromotionSettings(config),
    checklist: passingChecklist,
    prometheus: fakePrometheus(traffic),
    ownerId: options.ownerId,
    strategyFor: strategy ? () => strategy : undefined,
    userInfo: demoUserInfo,
    notifications: notifications.service,
    now: options.now,
  };
  return { deps, store, cluster, audit, traffic, logger, knex, notifications };
}
