import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { Backoff } from '../backoff';

/** PostgreSQL channel; NOTIFY reaches the listeners of the same database (the plugin's own). */
export const PROMOTION_CHANGE_CHANNEL = 'envportal_promotion_changes';
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
/** A LISTEN connection a NAT or proxy dropped silently hears nothing: a query proves it alive. */
const PING_INTERVAL_MS = 30_000;
const PING_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** What a notification may carry at most; anything longer is not ours. */
const MAX_REF_LENGTH = 512;

export type PromotionChange = { entityRef: string; stage: string };

/**
 * Carries "a promotion of this entity into this stage changed" between replicas, so a browser connected
 * to one replica hears of a promotion another replica runs. Cluster changes need no bus: every replica
 * watches every stage itself.
 */
export interface PromotionChangeBus {
  /** Tells the other replicas about a change written here. */
  announce(change: PromotionChange): void;
  stop(): Promise<void>;
}

/** The part of a node-postgres client the listener uses (knex hands out `pg` clients). */
interface ListeningConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: PgNotification) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeAllListeners(): void;
}
type PgNotification = { channel: string; payload?: string };

type Wire = { r: string; e: string; s: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took over ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function parse(payload: string | undefined): Wire | undefined {
  try {
    const wire = JSON.parse(payload ?? '');
    return typeof wire?.r === 'string' &&
      typeof wire.e === 'string' &&
      typeof wire.s === 'string' &&
      wire.e.length <= MAX_REF_LENGTH &&
      wire.s.length <= MAX_REF_LENGTH
      ? wire
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * On PostgreSQL: LISTEN on a connection of its own (reconnecting with backoff when it drops) and NOTIFY
 * through the pool. A change missed while disconnected is caught by the browsers' safety poll. On
 * SQLite there is one replica, so nothing crosses.
 */
export async function createPromotionChangeBus(options: {
  knex: Knex;
  logger: LoggerService;
  onRemoteChange: (change: PromotionChange) => void;
}): Promise<PromotionChangeBus> {
  const { knex, logger, onRemoteChange } = options;
  if (knex.client.config.client !== 'pg') {
    return { announce() {}, async stop() {} };
  }
  const replica = randomUUID();
  let connection: ListeningConnection | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const backoff = new Backoff(RECONNECT_MIN_MS, RECONNECT_MAX_MS);
  let stopped = false;

  function scheduleReconnect(reason: string) {
    if (stopped || retryTimer) return;
    const delayMs = backoff.next();
    logger.warn(
      `promotion changes from other replicas are not heard (${reason}); reconnecting in ${delayMs} ms`,
    );
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      listen().catch(() => {});
    }, delayMs);
  }

  async function drop(conn: ListeningConnection) {
    conn.removeAllListeners();
    conn.on('error', () => {}); // a late socket error must not crash the process
    await knex.client.destroyRawConnection(conn).catch(() => {});
  }

  /** The listening connection failed: close it and listen again on a new one. */
  function lose(conn: ListeningConnection, reason: string) {
    if (connection !== conn) return;
    connection = undefined;
    drop(conn);
    scheduleReconnect(reason);
  }

  async function listen(): Promise<void> {
    let conn: ListeningConnection;
    const acquiring: Promise<ListeningConnection> =
      knex.client.acquireRawConnection();
    try {
      conn = await withTimeout(acquiring, CONNECT_TIMEOUT_MS, 'connecting');
    } catch (error) {
      // a connection that arrives after the timeout is closed, not leaked
      acquiring.then(late => drop(late)).catch(() => {});
      scheduleReconnect(`${(error as Error).message}`);
      return;
    }
    if (stopped) {
      await drop(conn);
      return;
    }
    const lost = (error?: Error) =>
      lose(conn, error ? error.message : 'connection ended');
    conn.on('error', lost);
    conn.on('end', lost);
    conn.on('notification', message => {
      if (message.channel !== PROMOTION_CHANGE_CHANNEL) return;
      const wire = parse(message.payload);
      if (!wire || wire.r === replica) return;
      onRemoteChange({ entityRef: wire.e, stage: wire.s });
    });
    connection = conn;
    try {
      await conn.query(`LISTEN ${PROMOTION_CHANGE_CHANNEL}`);
      backoff.reset();
    } catch (error) {
      lost(error as Error);
    }
  }

  function ping() {
    const conn = connection;
    if (!conn) return;
    withTimeout(conn.query('SELECT 1'), PING_TIMEOUT_MS, 'a ping').catch(
      error => lose(conn, (error as Error).message),
    );
  }

  await listen();
  const pingTimer = setInterval(ping, PING_INTERVAL_MS);
  pingTimer.unref?.();
  return {
    announce({ entityRef, stage }) {
      if (stopped) return;
      const payload = JSON.stringify({ r: replica, e: entityRef, s: stage });
      knex
        .raw('select pg_notify(?, ?)', [PROMOTION_CHANGE_CHANNEL, payload])
        .catch(error =>
          logger.warn(
            `could not tell other replicas of a promotion change: ${error}`,
          ),
        );
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      const conn = connection;
      connection = undefined;
      if (conn) await drop(conn);
    },
  };
}
