import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  GateResult,
  Promotion,
  PromotionRisk,
  PromotionState,
} from '@envportal/plugin-environments-common';
import { Knex } from 'knex';

const TABLE = 'environments_promotions';
const APPROVALS = 'environments_promotion_approvals';
const DEPLOYS = 'environments_deploy_records';

/** States in which a promotion still holds its entity+stage lock. */
export const ACTIVE_STATES: PromotionState[] = [
  'pending',
  'running',
  'verifying',
];

/**
 * States in which a promotion holds its slot without running: nobody owns it until its approvals
 * arrive or its stage's window opens.
 */
export const WAITING_STATES: PromotionState[] = ['awaiting-approval', 'queued'];

/**
 * The owner and lease a waiting promotion is stored with: no replica is this owner and the lease
 * never runs out, so no takeover (by this version or an older one still running during a rolling
 * update, which knows nothing of waiting states) ever claims it.
 */
const WAITING_OWNER = 'waiting';
const WAITING_LEASE_END = new Date('9999-12-31T00:00:00Z');

/** One approver's decision, as stored. */
export type StoredDecision = {
  actor: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
};

/** A promotion as stored, with the fields the API does not show. */
export type StoredPromotion = Promotion & {
  /** Approvals its target stage asked for when it was requested, and until when it may wait. */
  approvalsRequired?: number;
  approvalExpiresAt?: string;
  kind: 'promotion' | 'rollback';
  /** The target Deployment and container being changed. */
  deployment: string;
  container: string;
  idempotencyKey?: string;
  rolloutCompletedAt?: string;
  /** The replica that runs it while it is active, and until when it holds it. */
  ownerId?: string;
  leaseExpiresAt?: string;
};

/** Who writes a promotion's progress: one replica, for as long as its lease runs. */
export type Lease = { owner: string; durationMs: number };

/** One finished change into a stage, as the delivery metrics read it. */
export type Delivery = {
  entityRef: string;
  kind: 'promotion' | 'rollback';
  state: PromotionState;
  finishedAt: string;
  /** The rollout in the stage completed (it ran there, whatever happened after). */
  rolledOut: boolean;
  /** A success only: when the same image was first promoted out of the first stage. */
  firstSeenAt?: string;
  /** Not a success only: the entity's next successful change into the stage after this one. */
  nextSuccessAt?: string;
};

/**
 * What the last successful change into a stage put there, or what its last recorded deploy found
 * running, whichever is later: what the stage is expected to run.
 */
export type LastChange = {
  entityRef: string;
  stage: string;
  kind: 'promotion' | 'rollback' | 'deploy';
  image: string;
  deployment: string;
  container: string;
  requestedBy: string;
  finishedAt: string;
  /** The target's configuration the change left (see configRecord); absent on older records. */
  config?: StoredConfig;
};

/**
 * A configuration record: entry name → value or salted fingerprint (see configRecord); `scope` says
 * which kinds of entries it covers (absent on records from before command, args and mounts were).
 */
export type StoredConfig = {
  salt: string;
  entries: Record<string, string>;
  scope?: number;
};

/** A stored configuration record, or undefined when absent or unreadable (never throws). */
function parseConfig(text: string | null): StoredConfig | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value?.salt === 'string' &&
      value.entries &&
      typeof value.entries === 'object' &&
      !Array.isArray(value.entries)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** More entity refs than this are filtered after the query (a bound list of SQL parameters). */
const MAX_IN_LIST = 900;

/**
 * Limits a query to some entities: in SQL while the list is short, after the query otherwise. Without
 * a list, everything.
 */
function entityFilter(entityRefs: string[] | undefined, column: string) {
  const inSql = entityRefs !== undefined && entityRefs.length <= MAX_IN_LIST;
  const after = entityRefs && !inSql ? new Set(entityRefs) : undefined;
  return {
    apply: (q: Knex.QueryBuilder) => {
      if (inSql) q.whereIn(column, entityRefs);
    },
    keep: (entityRef: string) => !after || after.has(entityRef),
  };
}

/** Told of a promotion after a write changed it. */
export type PromotionChangeListener = (promotion: StoredPromotion) => void;

/** Told of a deploy recorded into a stage. */
export type DeployRecordedListener = (change: {
  entityRef: string;
  stage: string;
}) => void;

/** The replica no longer owns the promotion (its lease expired and another took it over). */
export class LeaseLostError extends Error {
  constructor(readonly promotionId: string, readonly owner: string) {
    super(`${owner} no longer owns promotion ${promotionId}`);
    this.name = 'LeaseLostError';
  }
}

export type NewPromotion = Omit<
  StoredPromotion,
  | 'state'
  | 'createdAt'
  | 'progress'
  | 'finishedAt'
  | 'durationMs'
  | 'approvalExpiresAt'
  | 'runAfter'
> & {
  createdAt?: Date;
  /** `<cluster>/<namespace>/<deployment>`: the workload locked while this promotion is active. */
  workloadKey: string;
  /** A promotion that waits starts unowned; default `pending` (owned by the inserting replica). */
  state?: 'pending' | 'awaiting-approval' | 'queued';
  approvalExpiresAt?: Date;
  runAfter?: Date;
};

export type PromotionUpdate = Partial<
  Pick<
    StoredPromotion,
    | 'state'
    | 'progress'
    | 'error'
    | 'summary'
    | 'imageBefore'
    | 'rollback'
    | 'gates'
  >
> & { rolloutCompletedAt?: Date; configAfter?: StoredConfig };

/** Raised when another promotion of the same entity and stage, or of the same workload, is in flight. */
export class PromotionInFlightError extends ConflictError {
  constructor(readonly runningId: string) {
    super(`A promotion is already in flight for this stage: ${runningId}`);
  }
}

type Row = {
  id: string;
  entity_ref: string;
  kind: string;
  from_stage: string;
  to_stage: string;
  strategy: string;
  deployment: string;
  container: string;
  state: string;
  image_before: string | null;
  image_after: string;
  in_flight_key: string | null;
  in_flight_workload: string | null;
  owner_id: string | null;
  lease_expires_at: string | Date | null;
  idempotency_key: string | null;
  gates: string;
  risk: string;
  progress: string;
  override_reason: string | null;
  requested_by: string;
  rollback_reason: string | null;
  rolled_back_at: string | Date | null;
  error: string | null;
  summary: string;
  approvals_required: number | null;
  approval_expires_at: string | Date | null;
  run_after: string | Date | null;
  window_override_reason: string | null;
  created_at: string | Date;
  rollout_completed_at: string | Date | null;
  finished_at: string | Date | null;
  /** JSON of a {@link StoredConfig}; read by lastChanges only. */
  config_after?: string | null;
  duration_ms: number | string | null;
};

/** Tells every listener; a listener's failure is not the write's: the write has happened. */
function tell<T>(listeners: Iterable<(value: T) => void>, value: T) {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch {
      // the next listener is still told
    }
  }
}

function iso(value: string | Date | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value).toISOString();
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  // PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/i.test(e?.message ?? '')
  );
}

/**
 * Promotion history in the plugin's database (SQLite or PostgreSQL), and the database-held lock that
 * admits one active promotion per entity and target stage.
 */
export class PromotionStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<PromotionStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({
        directory: resolvePackagePath(
          '@envportal/plugin-environments-backend',
          'migrations',
        ),
      });
    }
    return new PromotionStore(client);
  }

  /**
   * Leases are written and compared on one clock: PostgreSQL's, which every replica shares, so a
   * replica whose clock runs ahead cannot take a live promotion. SQLite is one file on one host,
   * whose clock the process reads.
   */
  private readonly sharedClock: boolean;

  private constructor(private readonly db: Knex) {
    this.sharedClock =
      (db.client as { dialect?: string }).dialect === 'postgresql';
  }

  /** The moment `ms` from now (negative: in the past) on the leases' clock. */
  private leaseTime(ms: number): Date | Knex.Raw {
    return this.sharedClock
      ? this.db.raw("now() + (? * interval '1 millisecond')", [ms])
      : new Date(Date.now() + ms);
  }

  private readonly listeners = new Set<PromotionChangeListener>();

  /** Called after every write that changed a promotion's state or progress on this replica. */
  onChange(listener: PromotionChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly deployListeners = new Set<DeployRecordedListener>();

  /** Called after this replica recorded a deploy: the stage's drift baseline changed. */
  onDeployRecorded(listener: DeployRecordedListener): () => void {
    this.deployListeners.add(listener);
    return () => this.deployListeners.delete(listener);
  }

  private async changed(id: string, known?: StoredPromotion) {
    if (this.listeners.size === 0) return;
    const promotion = known ?? (await this.get(id));
    if (!promotion) return;
    tell(this.listeners, promotion);
  }

  /**
   * Inserts a promotion holding the entity+stage lock. Throws PromotionInFlightError with the id of the
   * active one when the lock is taken; returns the earlier promotion when the idempotency key was seen.
   */
  async insert(
    promotion: NewPromotion,
    lease: Lease,
  ): Promise<{ promotion: StoredPromotion; created: boolean }> {
    if (promotion.idempotencyKey) {
      const earlier = await this.findByIdempotencyKey(
        promotion.entityRef,
        promotion.idempotencyKey,
      );
      if (earlier) return { promotion: earlier, created: false };
    }
    const createdAt = promotion.createdAt ?? new Date();
    const state = promotion.state ?? 'pending';
    const owned = state === 'pending';
    try {
      await this.db<Row>(TABLE).insert({
        id: promotion.id,
        entity_ref: promotion.entityRef,
        kind: promotion.kind,
        from_stage: promotion.from,
        to_stage: promotion.to,
        strategy: promotion.strategy,
        deployment: promotion.deployment,
        container: promotion.container,
        state,
        image_before: promotion.imageBefore ?? null,
        image_after: promotion.imageAfter,
        in_flight_key: inFlightKey(promotion.entityRef, promotion.to),
        in_flight_workload: promotion.workloadKey,
        owner_id: owned ? lease.owner : WAITING_OWNER,
        lease_expires_at: owned
          ? this.leaseTime(lease.durationMs)
          : WAITING_LEASE_END,
        approvals_required: promotion.approvalsRequired ?? null,
        approval_expires_at: promotion.approvalExpiresAt ?? null,
        run_after: promotion.runAfter ?? null,
        window_override_reason: promotion.windowOverrideReason ?? null,
        idempotency_key: promotion.idempotencyKey ?? null,
        gates: JSON.stringify(promotion.gates),
        risk: JSON.stringify(promotion.risk),
        progress: JSON.stringify({ desired: 0, updated: 0, ready: 0 }),
        override_reason: promotion.overrideReason ?? null,
        requested_by: promotion.requestedBy,
        error: null,
        summary: promotion.summary,
        created_at: createdAt,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Either the same idempotency key raced us, or the stage is locked by another promotion.
      if (promotion.idempotencyKey) {
        const earlier = await this.findByIdempotencyKey(
          promotion.entityRef,
          promotion.idempotencyKey,
        );
        if (earlier) return { promotion: earlier, created: false };
      }
      const running =
        (await this.findInFlight(promotion.entityRef, promotion.to)) ??
        (await this.findInFlightOnWorkload(promotion.workloadKey));
      throw new PromotionInFlightError(running?.id ?? 'unknown');
    }
    const stored = (await this.get(promotion.id))!;
    await this.changed(stored.id, stored);
    return { promotion: stored, created: true };
  }

  async get(id: string): Promise<StoredPromotion | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row ? toPromotion(row) : undefined;
  }

  async findInFlight(
    entityRef: string,
    stage: string,
  ): Promise<StoredPromotion | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ in_flight_key: inFlightKey(entityRef, stage) })
      .first();
    return row ? toPromotion(row) : undefined;
  }

  /** The active promotion changing a workload, whichever entity asked for it. */
  async findInFlightOnWorkload(
    workloadKey: string,
  ): Promise<StoredPromotion | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ in_flight_workload: workloadKey })
      .first();
    return row ? toPromotion(row) : undefined;
  }

  async findByIdempotencyKey(
    entityRef: string,
    key: string,
  ): Promise<StoredPromotion | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef, idempotency_key: key })
      .first();
    return row ? toPromotion(row) : undefined;
  }

  /** Newest first. */
  async list(options: {
    entityRef: string;
    limit: number;
    offset: number;
  }): Promise<{ items: StoredPromotion[]; total: number }> {
    const [{ count }] = await this.db(TABLE)
      .where({ entity_ref: options.entityRef })
      .count({ count: '*' });
    const rows = await this.db<Row>(TABLE)
      .where({ entity_ref: options.entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit)
      .offset(options.offset);
    return { items: rows.map(toPromotion), total: Number(count) };
  }

  /** Every active promotion, whoever owns it. */
  async listActive(): Promise<StoredPromotion[]> {
    const rows = await this.db<Row>(TABLE)
      .whereNotNull('in_flight_key')
      .orderBy('created_at', 'asc');
    return rows.map(toPromotion);
  }

  /**
   * The changes into `stage` that finished in [from, to), oldest first, each with what the delivery
   * metrics join to it: when its image was first promoted out of `firstStage`, and the entity's next
   * success in `stage`. One query; `entityRefs` limits it to those entities.
   */
  async deliveries(options: {
    stage: string;
    firstStage: string;
    from: Date;
    to: Date;
    entityRefs?: string[];
  }): Promise<Delivery[]> {
    const { stage, firstStage, from, to, entityRefs } = options;
    // Per row, through the indexes: only a success needs its first-seen time, only a failure its
    // next success (CASE evaluates the subquery only for those rows).
    const firstSeen = this.db.raw(
      `CASE WHEN p.state = 'succeeded' THEN (SELECT MIN(f.created_at) FROM ${TABLE} f WHERE f.from_stage = ? AND f.image_after = p.image_after) END AS first_seen`,
      [firstStage],
    );
    const nextSuccess = this.db.raw(
      `CASE WHEN p.state <> 'succeeded' THEN (SELECT MIN(s.finished_at) FROM ${TABLE} s WHERE s.entity_ref = p.entity_ref AND s.to_stage = p.to_stage AND s.state = 'succeeded' AND s.finished_at > p.finished_at) END AS next_success`,
    );
    const entities = entityFilter(entityRefs, 'p.entity_ref');
    const rows: Array<{
      entity_ref: string;
      kind: 'promotion' | 'rollback';
      state: PromotionState;
      finished_at: string | Date;
      rollout_completed_at: string | Date | null;
      first_seen: string | Date | null;
      next_success: string | Date | null;
    }> = await this.db(`${TABLE} as p`)
      .select(
        'p.entity_ref',
        'p.kind',
        'p.state',
        'p.finished_at',
        'p.rollout_completed_at',
        firstSeen,
        nextSuccess,
      )
      .where('p.to_stage', stage)
      .where('p.finished_at', '>=', from)
      .where('p.finished_at', '<', to)
      .modify(entities.apply)
      .orderBy('p.finished_at', 'asc');
    return rows
      .filter(r => entities.keep(r.entity_ref))
      .map(r => ({
        entityRef: r.entity_ref,
        kind: r.kind,
        state: r.state,
        finishedAt: iso(r.finished_at)!,
        rolledOut: r.rollout_completed_at !== null,
        firstSeenAt: iso(r.first_seen),
        nextSuccessAt: iso(r.next_success),
      }));
  }

  /**
   * Differs whenever a change succeeds: how many succeeded and the latest finish. A finished record
   * never changes again, so this one aggregate tells a caller whether its copy of `lastChanges()` is
   * still current without reading (and parsing) every record.
   */
  async lastChangesVersion(): Promise<string> {
    type Aggregate = { n?: number | string; last?: string | Date | null };
    const [[changes], [deploys]]: Aggregate[][] = await Promise.all([
      this.db(TABLE)
        .where('state', 'succeeded')
        .count({ n: '*' })
        .max({ last: 'finished_at' }),
      this.db(DEPLOYS).count({ n: '*' }).max({ last: 'recorded_at' }),
    ]);
    return [changes, deploys]
      .map(row => `${Number(row.n ?? 0)}/${iso(row.last ?? null) ?? ''}`)
      .join(';');
  }

  /** Records a deploy the portal did not make: what the stage runs now is what it should run. */
  async recordDeploy(record: {
    id: string;
    entityRef: string;
    stage: string;
    image: string;
    deployment: string;
    container: string;
    config?: StoredConfig;
    recordedBy: string;
    recordedAt: Date;
  }): Promise<LastChange> {
    await this.db(DEPLOYS).insert({
      id: record.id,
      entity_ref: record.entityRef,
      stage: record.stage,
      image: record.image,
      deployment: record.deployment,
      container: record.container,
      config: record.config ? JSON.stringify(record.config) : null,
      recorded_by: record.recordedBy,
      recorded_at: record.recordedAt,
    });
    tell(this.deployListeners, {
      entityRef: record.entityRef,
      stage: record.stage,
    });
    return {
      entityRef: record.entityRef,
      stage: record.stage,
      kind: 'deploy',
      image: record.image,
      deployment: record.deployment,
      container: record.container,
      requestedBy: record.recordedBy,
      finishedAt: record.recordedAt.toISOString(),
      config: record.config,
    };
  }

  /** The last recorded deploy of each entity into each stage. */
  private async lastDeploys(
    entities: ReturnType<typeof entityFilter>,
  ): Promise<LastChange[]> {
    const latest = this.db(DEPLOYS)
      .select('entity_ref', 'stage')
      .max({ last_recorded: 'recorded_at' })
      .modify(entities.apply)
      .groupBy('entity_ref', 'stage')
      .as('l');
    const rows: Array<{
      entity_ref: string;
      stage: string;
      image: string;
      deployment: string;
      container: string;
      recorded_by: string;
      recorded_at: string | Date;
      config: string | null;
    }> = await this.db(`${DEPLOYS} as d`)
      .join(latest, q =>
        q
          .on('l.entity_ref', 'd.entity_ref')
          .andOn('l.stage', 'd.stage')
          .andOn('l.last_recorded', 'd.recorded_at'),
      )
      .select(
        'd.entity_ref',
        'd.stage',
        'd.image',
        'd.deployment',
        'd.container',
        'd.recorded_by',
        'd.recorded_at',
        'd.config',
      );
    return rows.map(r => ({
      entityRef: r.entity_ref,
      stage: r.stage,
      kind: 'deploy' as const,
      image: r.image,
      deployment: r.deployment,
      container: r.container,
      requestedBy: r.recorded_by,
      finishedAt: iso(r.recorded_at)!,
      config: parseConfig(r.config),
    }));
  }

  /**
   * What each entity's stages are expected to run: per entity and stage, the later of its last
   * successful change (promotion or rollback) and its last recorded deploy. Two queries, for the
   * given entities (or all).
   */
  async lastChanges(entityRefs?: string[]): Promise<LastChange[]> {
    const entities = entityFilter(entityRefs, 'entity_ref');
    const [changes, deploys] = await Promise.all([
      this.lastPromotions(entities),
      this.lastDeploys(entities),
    ]);
    const latest = new Map<string, LastChange>();
    for (const change of [...changes, ...deploys]) {
      if (!entities.keep(change.entityRef)) continue;
      const key = `${change.entityRef}\u0000${change.stage}`;
      const known = latest.get(key);
      if (
        !known ||
        Date.parse(change.finishedAt) > Date.parse(known.finishedAt)
      )
        latest.set(key, change);
    }
    return [...latest.values()];
  }

  /** The last successful change (promotion or rollback) of each entity into each stage. */
  private async lastPromotions(
    entities: ReturnType<typeof entityFilter>,
  ): Promise<LastChange[]> {
    const latest = this.db(TABLE)
      .select('entity_ref', 'to_stage')
      .max({ last_finished: 'finished_at' })
      .where('state', 'succeeded')
      .modify(entities.apply)
      .groupBy('entity_ref', 'to_stage')
      .as('l');
    const rows: Array<{
      entity_ref: string;
      to_stage: string;
      kind: 'promotion' | 'rollback';
      image_after: string;
      deployment: string;
      container: string;
      requested_by: string;
      finished_at: string | Date;
      config_after: string | null;
    }> = await this.db(`${TABLE} as p`)
      .join(latest, q =>
        q
          .on('l.entity_ref', 'p.entity_ref')
          .andOn('l.to_stage', 'p.to_stage')
          .andOn('l.last_finished', 'p.finished_at'),
      )
      .where('p.state', 'succeeded')
      .select(
        'p.entity_ref',
        'p.to_stage',
        'p.kind',
        'p.image_after',
        'p.deployment',
        'p.container',
        'p.requested_by',
        'p.finished_at',
        'p.config_after',
      );
    return rows.map(r => ({
      entityRef: r.entity_ref,
      stage: r.to_stage,
      kind: r.kind,
      image: r.image_after,
      deployment: r.deployment,
      container: r.container,
      requestedBy: r.requested_by,
      finishedAt: iso(r.finished_at)!,
      config: parseConfig(r.config_after),
    }));
  }

  /** How many approvals each of these promotions has, by id (absent: none). */
  async approvalCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ promotion_id: string; n: number | string }> =
      await this.db(APPROVALS)
        .select('promotion_id')
        .count({ n: '*' })
        .whereIn('promotion_id', ids)
        .where({ decision: 'approve' })
        .groupBy('promotion_id');
    return new Map(rows.map(r => [r.promotion_id, Number(r.n)] as const));
  }

  /** The finished changes of an entity in a stage, newest first: what a rollback decides from. */
  async finishedInto(
    entityRef: string,
    stage: string,
    limit = 200,
  ): Promise<StoredPromotion[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef, to_stage: stage })
      .whereNull('in_flight_key')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toPromotion);
  }

  /**
   * Extends the owner's lease; false when it is no longer the owner (or the promotion has ended), in
   * which case the owner must stop.
   */
  async renewLease(id: string, lease: Lease): Promise<boolean> {
    const renewed = await this.db(TABLE)
      .where({ id, owner_id: lease.owner })
      .whereNotNull('in_flight_key')
      .update({ lease_expires_at: this.leaseTime(lease.durationMs) });
    return renewed === 1;
  }

  /**
   * Ends an owner's leases now, all of them (it is shutting down) or those of `ids` (it cannot run
   * them yet), so any replica takes them over at its next pass; returns how many it held.
   */
  async releaseLeases(lease: Lease, ids?: string[]): Promise<number> {
    const query = this.db(TABLE)
      .where({ owner_id: lease.owner })
      .whereNotNull('in_flight_key');
    if (ids) query.whereIn('id', ids);
    return query.update({ lease_expires_at: this.leaseTime(-1) });
  }

  /**
   * Active promotions whose lease expired at least `forMs` ago (their owner stopped renewing it),
   * all or those of `ids`, on the leases' clock.
   */
  private expired(options: { ids?: string[]; forMs?: number } = {}) {
    const query = this.db<Row>(TABLE)
      .whereNotNull('in_flight_key')
      .whereNotIn('state', WAITING_STATES)
      .where(q =>
        q
          .whereNull('lease_expires_at')
          .orWhere(
            'lease_expires_at',
            '<',
            this.leaseTime(-(options.forMs ?? 0)),
          ),
      );
    if (options.ids) query.whereIn('id', options.ids);
    return query;
  }

  /**
   * The active promotions whose lease has expired (their owner stopped renewing it), oldest first:
   * candidates for a takeover, not yet claimed.
   */
  async listExpired(): Promise<StoredPromotion[]> {
    const rows = (await this.expired().orderBy('created_at', 'asc')) as Row[];
    return rows.map(toPromotion);
  }

  /**
   * Takes over active promotions whose lease has expired (all, or those of `ids`; with `forMs`, only
   * if it expired at least that long ago): one conditional update per row, so of several replicas
   * asking at once exactly one gets each. Returns what was taken over, with the previous owner.
   */
  async claimExpired(
    lease: Lease,
    ids?: string[],
    options: { forMs?: number } = {},
  ): Promise<Array<{ promotion: StoredPromotion; previousOwner?: string }>> {
    const candidates = (await this.expired({ ids, ...options }).orderBy(
      'created_at',
      'asc',
    )) as Row[];
    const claimed: Array<{
      promotion: StoredPromotion;
      previousOwner?: string;
    }> = [];
    for (const candidate of candidates) {
      const taken = await this.expired({
        ids: [candidate.id],
        ...options,
      }).update({
        owner_id: lease.owner,
        lease_expires_at: this.leaseTime(lease.durationMs),
      });
      if (taken === 1) {
        claimed.push({
          promotion: (await this.get(candidate.id))!,
          previousOwner: candidate.owner_id ?? undefined,
        });
      }
    }
    return claimed;
  }

  /**
   * Gives a promotion that this replica claimed to run, but will not (it is stopping), back to the
   * queue, owned by no replica, so another replica's sweep starts it (its gates checked again then).
   * Only a promotion that has changed nothing yet (`pending`); false otherwise.
   */
  async requeue(id: string, lease: Lease): Promise<boolean> {
    const moved = await this.db(TABLE)
      .where({ id, owner_id: lease.owner, state: 'pending', kind: 'promotion' })
      .whereNotNull('in_flight_key')
      .update({
        state: 'queued',
        run_after: null,
        owner_id: WAITING_OWNER,
        lease_expires_at: WAITING_LEASE_END,
      });
    if (moved === 1) await this.changed(id);
    return moved === 1;
  }

  /** Writes progress; only the owner may, and a lost lease throws {@link LeaseLostError}. */
  async update(
    id: string,
    update: PromotionUpdate,
    lease: Lease,
  ): Promise<void> {
    const patch: Partial<Record<keyof Row, unknown>> = {};
    if (update.state) patch.state = update.state;
    if (update.progress) patch.progress = JSON.stringify(update.progress);
    if (update.gates) patch.gates = JSON.stringify(update.gates);
    if (update.error !== undefined) patch.error = update.error;
    if (update.summary !== undefined) patch.summary = update.summary;
    if (update.imageBefore !== undefined)
      patch.image_before = update.imageBefore;
    if (update.rollback) {
      patch.rollback_reason = update.rollback.reason;
      patch.rolled_back_at = new Date(update.rollback.at);
    }
    if (update.rolloutCompletedAt) {
      patch.rollout_completed_at = update.rolloutCompletedAt;
    }
    if (update.configAfter) {
      patch.config_after = JSON.stringify(update.configAfter);
    }
    const written = await this.db(TABLE)
      .where({ id, owner_id: lease.owner })
      .whereNotNull('in_flight_key')
      .update(patch);
    if (written !== 1) throw new LeaseLostError(id, lease.owner);
    await this.changed(id);
  }

  /**
   * Ends a promotion: final state, duration, and the locks and lease released in the same statement.
   * Only the owner may; a lost lease throws {@link LeaseLostError} and changes nothing.
   */
  async finish(
    id: string,
    final: {
      state: 'succeeded' | 'failed' | 'rolled-back';
      error?: string;
      summary: string;
      rollback?: { reason: string; at: string };
      /**
       * What the target's configuration is after a success, for drift; kept only when the rollout
       * recorded none (a run from before it did).
       */
      configAfter?: StoredConfig;
    },
    lease: Lease,
  ): Promise<StoredPromotion> {
    const current = await this.get(id);
    if (!current) throw new Error(`promotion ${id} vanished`);
    const finishedAt = new Date();
    const written = await this.db(TABLE)
      .where({ id, owner_id: lease.owner })
      .whereNotNull('in_flight_key')
      .update({
        state: final.state,
        error: final.error ?? null,
        summary: final.summary,
        in_flight_key: null,
        in_flight_workload: null,
        lease_expires_at: null,
        finished_at: finishedAt,
        duration_ms: finishedAt.getTime() - Date.parse(current.createdAt),
        // A success keeps the configuration its rollout recorded, if any; nothing else keeps one.
        config_after:
          final.state === 'succeeded'
            ? this.db.raw('COALESCE(config_after, ?)', [
                final.configAfter ? JSON.stringify(final.configAfter) : null,
              ])
            : null,
        // A rollback recorded while it ran stays only if the promotion ended rolled back.
        rollback_reason: final.rollback?.reason ?? null,
        rolled_back_at: final.rollback ? new Date(final.rollback.at) : null,
      });
    if (written !== 1) throw new LeaseLostError(id, lease.owner);
    const finished = (await this.get(id))!;
    await this.changed(id, finished);
    return finished;
  }

  /** Every promotion waiting for approvals or for its window, oldest first. */
  async listWaiting(): Promise<StoredPromotion[]> {
    const rows = await this.db<Row>(TABLE)
      .whereIn('state', WAITING_STATES)
      .whereNotNull('in_flight_key')
      .orderBy('created_at', 'asc');
    return rows.map(toPromotion);
  }

  /** The approvals and rejections of a promotion, oldest first. */
  async decisions(promotionId: string): Promise<StoredDecision[]> {
    const rows = await this.db(APPROVALS)
      .where({ promotion_id: promotionId })
      .orderBy('id', 'asc');
    return rows.map(r => ({
      actor: r.actor,
      decision: r.decision,
      comment: r.comment ?? undefined,
      at: iso(r.created_at)!,
    }));
  }

  /**
   * Records one user's decision on a promotion still awaiting approval, in one transaction with the
   * promotion's row: a rejection ends the promotion there and then (state `rejected`, slot freed), so
   * no approval racing in can start it. Returns the promotion after the decision. Throws
   * ConflictError when the user already decided or the promotion no longer awaits approval.
   */
  async recordDecision(
    promotionId: string,
    decision: Omit<StoredDecision, 'at'>,
    rejection?: { error: string; summary: string },
    at: Date = new Date(),
  ): Promise<StoredPromotion> {
    await this.db.transaction(async tx => {
      const now = at;
      // Writing the row first takes its lock (PostgreSQL) or the database's (SQLite) for the rest.
      const held = await tx(TABLE)
        .where({ id: promotionId, state: 'awaiting-approval' })
        .whereNotNull('in_flight_key')
        .where(q =>
          q
            .whereNull('approval_expires_at')
            .orWhere('approval_expires_at', '>', now),
        )
        .update(
          rejection
            ? {
                ...ended(now),
                state: 'rejected',
                error: rejection.error,
                summary: rejection.summary,
              }
            : { state: 'awaiting-approval' },
        );
      if (held !== 1) {
        const row = await tx<Row>(TABLE).where({ id: promotionId }).first();
        throw new ConflictError(
          row?.state === 'awaiting-approval' && row.in_flight_key
            ? `Promotion ${promotionId} expired at ${iso(
                row.approval_expires_at,
              )}`
            : `Promotion ${promotionId} is ${
                row?.state ?? 'gone'
              }, not awaiting approval`,
        );
      }
      if (rejection) {
        const row = (await tx<Row>(TABLE).where({ id: promotionId }).first())!;
        await tx(TABLE)
          .where({ id: promotionId })
          .update({
            duration_ms: now.getTime() - new Date(row.created_at).getTime(),
          });
      }
      try {
        await tx(APPROVALS).insert({
          promotion_id: promotionId,
          actor: decision.actor,
          decision: decision.decision,
          comment: decision.comment ?? null,
          created_at: now,
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(
          `${decision.actor} already decided on promotion ${promotionId}`,
        );
      }
    });
    const decided = (await this.get(promotionId))!;
    await this.changed(promotionId, decided);
    return decided;
  }

  /**
   * Takes a waiting promotion to run it now: only one replica wins (the state moves from waiting
   * to pending in one statement), and it owns the promotion from then on. Only a promotion with no
   * rejection and all the approvals it asked for, whose request has not expired, can be taken.
   */
  async claimWaiting(
    id: string,
    lease: Lease,
    now: Date = new Date(),
  ): Promise<boolean> {
    const approvals = this.db(APPROVALS)
      .count('*')
      .where({ promotion_id: id, decision: 'approve' });
    const taken = await this.db(TABLE)
      .where({ id })
      .whereIn('state', WAITING_STATES)
      .whereNotNull('in_flight_key')
      .whereNotExists(
        this.db(APPROVALS)
          .select('id')
          .where({ promotion_id: id, decision: 'reject' }),
      )
      .where(q =>
        q
          .whereNull('approvals_required')
          .orWhere('approvals_required', '<=', approvals),
      )
      .where(q =>
        q
          .where('state', 'queued')
          .orWhereNull('approval_expires_at')
          .orWhere('approval_expires_at', '>', now),
      )
      .update({
        state: 'pending',
        owner_id: lease.owner,
        lease_expires_at: this.leaseTime(lease.durationMs),
        run_after: null,
      });
    if (taken === 1) await this.changed(id);
    return taken === 1;
  }

  /** Moves a waiting promotion to the queue until its stage's window opens. */
  async queue(id: string, runAfter: Date | undefined): Promise<boolean> {
    // False when it is already queued until then, so of replicas sweeping at once only one moves it.
    const moved = await this.db(TABLE)
      .where({ id })
      .whereIn('state', WAITING_STATES)
      .where(q => {
        q.whereNot('state', 'queued');
        if (runAfter)
          q.orWhereNull('run_after').orWhereNot('run_after', runAfter);
        else q.orWhereNotNull('run_after');
      })
      .update({ state: 'queued', run_after: runAfter ?? null });
    if (moved === 1) await this.changed(id);
    return moved === 1;
  }

  /**
   * Ends a promotion that never ran (expired, or superseded by a rollback while it waited) and
   * frees its slot. An expiry ends only a request still awaiting approval and past its deadline at
   * `at`, never one whose approvals already moved it on or one queued for its window. Undefined when
   * it was no longer waiting (another replica ended or started it) or is not expired.
   */
  async endWaiting(
    id: string,
    final: {
      state: 'expired' | 'failed';
      error: string;
      summary: string;
    },
    at: Date = new Date(),
  ): Promise<StoredPromotion | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const finishedAt = new Date();
    const written = await this.db(TABLE)
      .where({ id })
      .whereIn('state', WAITING_STATES)
      .whereNotNull('in_flight_key')
      .modify(q => {
        if (final.state === 'expired') {
          q.where('state', 'awaiting-approval').where(
            'approval_expires_at',
            '<=',
            at,
          );
        }
      })
      .update({
        ...ended(finishedAt),
        state: final.state,
        error: final.error,
        summary: final.summary,
        duration_ms: finishedAt.getTime() - Date.parse(current.createdAt),
      });
    if (written !== 1) return undefined;
    const endedPromotion = (await this.get(id))!;
    await this.changed(id, endedPromotion);
    return endedPromotion;
  }
}

/** What a promotion that ends without having run gives up: its slot and its (placeholder) lease. */
function ended(at: Date) {
  return {
    in_flight_key: null,
    in_flight_workload: null,
    owner_id: null,
    lease_expires_at: null,
    finished_at: at,
  };
}

function inFlightKey(entityRef: string, stage: string) {
  return `${entityRef}|${stage}`;
}

function toPromotion(row: Row): StoredPromotion {
  return {
    id: row.id,
    kind: row.kind as StoredPromotion['kind'],
    entityRef: row.entity_ref,
    from: row.from_stage,
    to: row.to_stage,
    strategy: row.strategy as Promotion['strategy'],
    deployment: row.deployment,
    container: row.container,
    state: row.state as PromotionState,
    imageBefore: row.image_before ?? undefined,
    imageAfter: row.image_after,
    progress: JSON.parse(row.progress),
    gates: JSON.parse(row.gates) as GateResult[],
    risk: JSON.parse(row.risk) as PromotionRisk,
    overrideReason: row.override_reason ?? undefined,
    windowOverrideReason: row.window_override_reason ?? undefined,
    approvalsRequired: row.approvals_required ?? undefined,
    approvalExpiresAt: iso(row.approval_expires_at),
    runAfter: iso(row.run_after),
    requestedBy: row.requested_by,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms === null ? undefined : Number(row.duration_ms),
    rollback:
      row.rollback_reason && row.rolled_back_at
        ? { reason: row.rollback_reason, at: iso(row.rolled_back_at)! }
        : undefined,
    error: row.error ?? undefined,
    summary: row.summary,
    idempotencyKey: row.idempotency_key ?? undefined,
    rolloutCompletedAt: iso(row.rollout_completed_at),
    ownerId: row.owner_id ?? undefined,
    leaseExpiresAt: iso(row.lease_expires_at),
  };
}
