import { mockServices } from '@backstage/backend-test-utils';
import type { Wire } from '@envportal/plugin-environments-node';
import {
  KubeConfig,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Reflector } from './Reflector';
import type { CachedConfigMap } from './types';
import {
  collectionPath,
  groupVersionPath,
  RESOURCES,
  ResourceDefinition,
} from './resources';

type StoredObject = Wire<KubernetesObject>;
type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
type ReceivedRequest = {
  kind: 'list' | 'watch' | 'discovery';
  /** Fake clock time the request arrived. */
  at: number;
  query: Record<string, string>;
};

const NAMESPACE = 'team-a';
const PODS = RESOURCES.find(r => r.kind === 'Pod')!;
const SERVICE_MONITORS = RESOURCES.find(r => r.kind === 'ServiceMonitor')!;
const CONFIG_MAPS = RESOURCES.find(r => r.kind === 'ConfigMap')!;

function kubeStatus(code: number, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  };
}

/**
 * The Kubernetes API for one collection of one namespace: a list, watches that replay history newer
 * than the requested resourceVersion (410 Gone below the compaction point), bookmarks, and failures.
 */
class FakeApiServer {
  readonly requests: ReceivedRequest[] = [];
  /** Resources of the group-version discovery document; undefined answers 404 (CRD not installed). */
  discovered?: string[];
  failLists?: number;
  failWatches?: number;
  goneAs: 'event' | 'http' = 'event';
  /** Reset every connection, as when the API server cannot be reached. */
  unreachable = false;
  /** Accept watch requests and never answer them. */
  holdWatches = false;

  private readonly server = http.createServer((req, res) =>
    this.handle(req, res),
  );
  private readonly objects = new Map<string, StoredObject>();
  private readonly history: Array<{
    rv: number;
    type: WatchEventType;
    object: StoredObject;
  }> = [];
  private readonly watches = new Set<http.ServerResponse>();
  private readonly held = new Set<http.ServerResponse>();
  private resourceVersion = 100;
  private oldestWatchable = 0;

  constructor(private readonly resource: ResourceDefinition) {}

  async listen(): Promise<string> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  get openWatches() {
    return this.watches.size;
  }

  get heldWatches() {
    return this.held.size;
  }

  requestsOf(kind: ReceivedRequest['kind']) {
    return this.requests.filter(r => r.kind === kind);
  }

  /** The collection as a fresh list would return it, by name. */
  list(): StoredObject[] {
    return [...this.objects.values()].sort(byName);
  }

  /** Creates or replaces an object, streaming ADDED or MODIFIED to open watches. */
  put(object: StoredObject): StoredObject {
    const name = object.metadata!.name!;
    const type = this.objects.has(name) ? 'MODIFIED' : 'ADDED';
    const stored = this.stamp(object);
    this.objects.set(name, stored);
    this.record(type, stored);
    return stored;
  }

  remove(name: string) {
    const stored = this.stamp(this.objects.get(name)!);
    this.objects.delete(name);
    this.record('DELETED', stored);
  }

  /** The cluster moved on (other namespaces changed); open watches get a BOOKMARK. */
  bookmark() {
    this.resourceVersion += 1;
    this.broadcast('BOOKMARK', {
      apiVersion: 'v1',
      kind: this.resource.kind,
      metadata: { resourceVersion: String(this.resourceVersion) },
    });
  }

  /** Forgets the history so far: watches from an older resourceVersion get 410 Gone. */
  compact() {
    this.oldestWatchable = this.resourceVersion;
  }

  /** Ends every open watch cleanly, as the server does at timeoutSeconds. */
  endWatches() {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  /** Sends an ERROR event and ends every open watch. */
  failWatchesWith(code: number, message: string) {
    this.broadcast('ERROR', kubeStatus(code, message));
    this.endWatches();
  }

  dropConnections() {
    for (const res of [...this.watches, ...this.held]) res.socket?.destroy();
    this.watches.clear();
    this.held.clear();
  }

  private stamp(object: StoredObject): StoredObject {
    this.resourceVersion += 1;
    return {
      ...object,
      metadata: {
        ...object.metadata,
        resourceVersion: String(this.resourceVersion),
      },
    };
  }

  private record(type: WatchEventType, object: StoredObject) {
    this.history.push({ rv: this.resourceVersion, type, object });
    this.broadcast(type, object);
  }

  private broadcast(type: WatchEventType, object: unknown) {
    for (const res of this.watches) res.write(eventLine(type, object));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url!, 'http://api');
    const query = Object.fromEntries(url.searchParams);
    const at = Date.now();
    if (url.pathname === groupVersionPath(this.resource)) {
      this.requests.push({ kind: 'discovery', at, query });
      if (this.unreachable) {
        req.socket.destroy();
      } else if (this.discovered) {
        const resources = this.discovered.map(name => ({ name }));
        sendJson(res, 200, { kind: 'APIResourceList', resources });
      } else {
        sendJson(res, 404, kubeStatus(404, 'the server could not find it'));
      }
      return;
    }
    if (url.pathname !== collectionPath(this.resource, NAMESPACE)) {
      sendJson(res, 404, kubeStatus(404, `no such path ${url.pathname}`));
      return;
    }
    const watch = query.watch === 'true';
    this.requests.push({ kind: watch ? 'watch' : 'list', at, query });
    if (this.unreachable) {
      req.socket.destroy();
    } else if (!watch) {
      this.answerList(res);
    } else {
      this.answerWatch(res, Number(query.resourceVersion));
    }
  }

  private answerList(res: http.ServerResponse) {
    if (this.failLists) {
      sendJson(res, this.failLists, kubeStatus(this.failLists, 'etcd down'));
      return;
    }
    sendJson(res, 200, {
      kind: `${this.resource.kind}List`,
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.resourceVersion) },
      items: this.list(),
    });
  }

  private answerWatch(res: http.ServerResponse, from: number) {
    if (this.failWatches) {
      sendJson(
        res,
        this.failWatches,
        kubeStatus(this.failWatches, 'watch unavailable'),
      );
      return;
    }
    if (this.holdWatches) {
      this.held.add(res);
      return;
    }
    if (!(from >= this.oldestWatchable)) {
      const gone = kubeStatus(410, `too old resource version: ${from}`);
      if (this.goneAs === 'http') {
        sendJson(res, 410, gone);
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(eventLine('ERROR', gone));
      }
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    for (const { rv, type, object } of this.history) {
      if (rv > from) res.write(eventLine(type, object));
    }
    this.watches.add(res);
    res.on('close', () => this.watches.delete(res));
  }
}

function eventLine(type: WatchEventType, object: unknown) {
  return `${JSON.stringify({ type, object })}\n`;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

type Named = { metadata?: { name?: string } };

function byName(a: Named, b: Named) {
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

function pod(name: string, phase = 'Running'): Wire<V1Pod> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE },
    status: { phase },
  };
}

/** Lets real I/O run (fake timers leave setImmediate alone) until `condition` holds. */
async function until(condition: () => boolean, what: string) {
  const deadline = performance.now() + 2000;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(resolve => setImmediate(resolve));
  }
}

/** Waits until the reflector sleeps before retrying, then lets the whole wait pass. */
async function retryAfterBackoff() {
  await until(() => jest.getTimerCount() === 1, 'a retry to be scheduled');
  jest.advanceTimersToNextTimer();
}

function gaps(requests: ReceivedRequest[]) {
  return requests.slice(1).map((r, i) => r.at - requests[i].at);
}

describe('Reflector', () => {
  let server: FakeApiServer;
  let kubeConfig: KubeConfig;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  const started: Reflector[] = [];

  beforeEach(async () => {
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'queueMicrotask',
        'performance',
        'hrtime',
      ],
    });
    await serve(PODS);
    logger = mockServices.logger.mock();
  });

  async function serve(resource: ResourceDefinition) {
    server = new FakeApiServer(resource);
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        { name: 'fake', server: await server.listen(), skipTLSVerify: true },
      ],
      users: [{ name: 'reader', token: 'reader-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'reader' }],
      currentContext: 'fake',
    });
  }

  afterEach(async () => {
    started.splice(0).forEach(r => r.stop());
    await server.close();
    jest.useRealTimers();
  });

  /** Starts a reflector; `changes` reads `TYPE name@rv`, the rv being what the cache held when told. */
  function startReflector(resource: ResourceDefinition = PODS) {
    const changes: string[] = [];
    const reflector: Reflector = new Reflector({
      kubeConfig,
      clusterName: 'fake',
      namespace: NAMESPACE,
      resource,
      logger,
      emit: change => {
        if (!change.name) {
          changes.push(change.type);
          return;
        }
        const held = reflector.get(change.name)?.metadata?.resourceVersion;
        changes.push(`${change.type} ${change.name}@${held ?? '-'}`);
      },
    });
    reflector.start();
    started.push(reflector);
    return { reflector, changes };
  }

  /** Waits until the server streams to the reflector and the reflector counts itself current. */
  async function watchOpen(reflector: Reflector) {
    const later = Date.now() + 1;
    await until(
      () =>
        server.openWatches === 1 && reflector.status(later).syncedAt === later,
      'an open watch',
    );
  }

  const cached = (reflector: Reflector) => reflector.list().sort(byName);
  const watchingFrom = () =>
    server.requestsOf('watch').map(r => r.query.resourceVersion);

  it('fills the cache from the initial list and reports it synced and fresh', async () => {
    server.put(pod('api-1'));
    server.put({
      ...pod('api-2'),
      metadata: { name: 'api-2', managedFields: [{ manager: 'kubectl' }] },
    });
    const { reflector, changes } = startReflector();
    expect(reflector.status()).toEqual({ kind: 'Pod', state: 'starting' });

    await expect(reflector.waitForSync(5000)).resolves.toBe(true);
    expect(cached(reflector).map(p => p.metadata?.name)).toEqual([
      'api-1',
      'api-2',
    ]);
    expect(reflector.get('api-1')).toEqual(server.list()[0]);
    expect(reflector.get('api-2')?.metadata).toEqual({
      name: 'api-2',
      resourceVersion: '102',
    });
    expect(changes).toEqual(['RELISTED']);
    expect(reflector.listCalls).toBe(1);

    await watchOpen(reflector);
    expect(server.requestsOf('list')[0].query).toEqual({});
    expect(server.requestsOf('watch')[0].query).toEqual({
      watch: 'true',
      resourceVersion: '102',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '240',
    });
    jest.advanceTimersByTime(60_000);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'synced',
      syncedAt: Date.now(),
    });
  });

  it('applies ADDED, MODIFIED and DELETED events in order before telling listeners', async () => {
    server.put(pod('api-1'));
    const { reflector, changes } = startReflector();
    await watchOpen(reflector);

    server.put(pod('api-2', 'Pending'));
    server.put(pod('api-1', 'Failed'));
    server.put(pod('api-2', 'Running'));
    server.remove('api-1');
    server.put(pod('api-3'));
    await until(() => changes.length === 6, 'five changes');

    expect(changes).toEqual([
      'RELISTED',
      'ADDED api-2@102',
      'MODIFIED api-1@103',
      'MODIFIED api-2@104',
      'DELETED api-1@-',
      'ADDED api-3@106',
    ]);
    expect(cached(reflector)).toEqual(server.list());
    expect((reflector.get('api-2') as Wire<V1Pod>).status?.phase).toBe(
      'Running',
    );
    expect(reflector.listCalls).toBe(1);
  });

  it('takes the resourceVersion of a BOOKMARK without touching objects, and resumes from it', async () => {
    server.put(pod('api-1'));
    const { reflector, changes } = startReflector();
    await watchOpen(reflector);
    server.put(pod('api-2'));
    await until(() => changes.length === 2, 'api-2');
    const before = cached(reflector);

    server.bookmark();
    server.bookmark();
    server.endWatches();
    server.put(pod('api-3'));
    await until(() => changes.length === 3, 'api-3');

    expect(watchingFrom()).toEqual(['101', '104']);
    expect(changes).toEqual(['RELISTED', 'ADDED api-2@102', 'ADDED api-3@105']);
    expect(cached(reflector)).toEqual([...before, server.list()[2]]);
    expect(reflector.listCalls).toBe(1);
  });

  it('resumes a watch the server ended from the last event it saw, missing nothing made meanwhile', async () => {
    server.put(pod('api-1'));
    server.put(pod('api-2'));
    const { reflector, changes } = startReflector();
    await watchOpen(reflector);
    server.put(pod('api-1', 'Failed'));
    await until(() => changes.length === 2, 'api-1 change');

    server.endWatches();
    server.remove('api-2');
    server.put(pod('api-3'));
    await until(() => changes.length === 4, 'changes made between watches');

    expect(watchingFrom()).toEqual(['102', '103']);
    expect(changes.slice(2)).toEqual(['DELETED api-2@-', 'ADDED api-3@105']);
    expect(cached(reflector)).toEqual(server.list());
    expect(server.requestsOf('list')).toHaveLength(1);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'synced',
      syncedAt: Date.now(),
    });
  });

  it.each([['event' as const], ['http' as const]])(
    'relists from scratch when a watch is answered 410 Gone (as %s)',
    async goneAs => {
      server.goneAs = goneAs;
      ['api-1', 'api-2', 'api-3'].forEach(name => server.put(pod(name)));
      const { reflector, changes } = startReflector();
      await watchOpen(reflector);

      server.endWatches();
      server.remove('api-2');
      server.put(pod('api-3', 'Failed'));
      server.put(pod('api-4'));
      server.compact();
      await until(
        () => server.requestsOf('watch').length === 3,
        'a watch after the relist',
      );
      await watchOpen(reflector);

      expect(server.requests.map(r => r.kind)).toEqual([
        'list',
        'watch',
        'watch',
        'list',
        'watch',
      ]);
      expect(watchingFrom()).toEqual(['103', '103', '106']);
      expect(cached(reflector)).toEqual(server.list());
      expect(reflector.get('api-2')).toBeUndefined();
      // Gone is the server's normal way to ask for a relist: no error, no waiting.
      expect(changes).toEqual(['RELISTED', 'RELISTED']);
      expect(reflector.status()).toEqual({
        kind: 'Pod',
        state: 'synced',
        syncedAt: Date.now(),
      });
      expect(logger.warn).not.toHaveBeenCalled();
    },
  );

  it('retries a failing API server with a backoff that doubles up to 30 s', async () => {
    server.failLists = 500;
    const { reflector } = startReflector();
    for (let retry = 0; retry < 9; retry++) await retryAfterBackoff();
    await until(() => server.requestsOf('list').length === 10, 'ten lists');

    expect(gaps(server.requestsOf('list'))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'error',
      error: `GET ${collectionPath(PODS, NAMESPACE)} answered 500: etcd down`,
    });
    expect(cached(reflector)).toEqual([]);
    // The same failure again is not logged again.
    expect(logger.warn).toHaveBeenCalledTimes(1);

    server.failLists = undefined;
    server.put(pod('api-1'));
    await retryAfterBackoff();
    await watchOpen(reflector);
    expect(cached(reflector)).toEqual(server.list());
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'synced',
      syncedAt: Date.now(),
    });
  });

  it('backs off a watch that keeps failing although lists work, and starts over once a watch works', async () => {
    server.failWatches = 503;
    const { reflector } = startReflector();
    for (let retry = 0; retry < 5; retry++) await retryAfterBackoff();
    await until(() => server.requestsOf('watch').length === 6, 'six watches');
    await until(() => jest.getTimerCount() === 1, 'the next backoff');

    expect(gaps(server.requestsOf('list'))).toEqual([
      250, 500, 1000, 2000, 4000,
    ]);
    expect(reflector.status()).toMatchObject({
      state: 'error',
      error: expect.stringContaining('answered 503: watch unavailable'),
    });

    server.failWatches = undefined;
    await retryAfterBackoff();
    await watchOpen(reflector);
    server.bookmark();
    server.put(pod('api-1'));
    await until(() => reflector.get('api-1') !== undefined, 'api-1');
    server.dropConnections();
    await retryAfterBackoff();
    await watchOpen(reflector);

    expect(gaps(server.requestsOf('list')).slice(-1)).toEqual([250]);
    expect(cached(reflector)).toEqual(server.list());
  });

  it('restarts after an ERROR event other than 410 and catches up with what changed meanwhile', async () => {
    server.put(pod('api-1'));
    server.put(pod('api-2'));
    const { reflector, changes } = startReflector();
    await watchOpen(reflector);

    server.failWatchesWith(500, 'etcdserver: request timed out');
    const failedAt = Date.now();
    server.remove('api-1');
    server.put(pod('api-3'));
    await until(() => reflector.status().state === 'error', 'the error');
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'error',
      syncedAt: failedAt,
      error: 'watch error: etcdserver: request timed out',
    });
    expect(cached(reflector).map(p => p.metadata?.name)).toEqual([
      'api-1',
      'api-2',
    ]);

    await retryAfterBackoff();
    await watchOpen(reflector);
    expect(server.requestsOf('list')[1].at - failedAt).toBe(250);
    expect(cached(reflector)).toEqual(server.list());
    expect(changes).toEqual(['RELISTED', 'STATE', 'RELISTED']);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'synced',
      syncedAt: Date.now(),
    });
  });

  it('reports its data as stale while the API server is unreachable and fresh after it recovers', async () => {
    server.put(pod('api-1'));
    const { reflector } = startReflector();
    await watchOpen(reflector);
    jest.advanceTimersByTime(1000);
    const lostAt = Date.now();

    server.unreachable = true;
    server.dropConnections();
    for (let retry = 0; retry < 3; retry++) await retryAfterBackoff();
    await until(() => server.requestsOf('list').length === 4, 'three relists');
    await until(() => jest.getTimerCount() === 1, 'the next backoff');

    expect(Date.now() - lostAt).toBe(250 + 500 + 1000);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'error',
      syncedAt: lostAt,
      error: expect.stringMatching(
        /^GET \/api\/v1\/namespaces\/team-a\/pods: the API server is unreachable \(E[A-Z]+\)$/,
      ),
    });
    // Still answers from what it had.
    expect(cached(reflector).map(p => p.metadata?.name)).toEqual(['api-1']);

    server.unreachable = false;
    server.remove('api-1');
    server.put(pod('api-2'));
    await retryAfterBackoff();
    await watchOpen(reflector);
    jest.advanceTimersByTime(5000);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'synced',
      syncedAt: Date.now(),
    });
    expect(cached(reflector)).toEqual(server.list());
  });

  it('does not report fresh data while its watch request goes unanswered', async () => {
    server.holdWatches = true;
    server.put(pod('api-1'));
    const { reflector } = startReflector();
    await until(() => server.heldWatches === 1, 'the watch request');
    const listedAt = Date.now();

    jest.advanceTimersByTime(30_000);
    expect(reflector.status()).toEqual({
      kind: 'Pod',
      state: 'synced',
      syncedAt: listedAt,
    });
  });

  it('treats an optional kind whose CRD is not installed as absent, and lists it once installed', async () => {
    await server.close();
    await serve(SERVICE_MONITORS);
    const { reflector, changes } = startReflector(SERVICE_MONITORS);

    await expect(reflector.waitForSync(5000)).resolves.toBe(true);
    expect(reflector.status()).toEqual({
      kind: 'ServiceMonitor',
      state: 'absent',
    });
    expect(changes).toEqual(['STATE']);
    expect(server.requests.map(r => r.kind)).toEqual(['discovery']);

    server.discovered = ['servicemonitors', 'prometheusrules'];
    server.put({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api', namespace: NAMESPACE },
    });
    await retryAfterBackoff();
    await watchOpen(reflector);

    expect(gaps(server.requestsOf('discovery'))).toEqual([60_000]);
    expect(cached(reflector)).toEqual(server.list());
    expect(reflector.status()).toMatchObject({ state: 'synced' });
  });

  it("keeps a fingerprint of a ConfigMap's contents, never the contents", async () => {
    await server.close();
    await serve(CONFIG_MAPS);
    const configMap = (
      name: string,
      data: Record<string, string>,
      labels: Record<string, string> = {},
    ) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: NAMESPACE, labels },
      data,
    });
    server.put(configMap('orders-env', { LOG_LEVEL: 'info', PORT: '8080' }));
    server.put(
      configMap('same-keys-other-order', { PORT: '8080', LOG_LEVEL: 'info' }),
    );
    server.put(configMap('other', { LOG_LEVEL: 'debug', PORT: '8080' }));
    const { reflector, changes } = startReflector(CONFIG_MAPS);
    await watchOpen(reflector);

    const hashOf = (name: string) =>
      (reflector.get(name) as CachedConfigMap).contentHash;
    const first = hashOf('orders-env');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(reflector.list())).not.toMatch(/info|debug|8080/);
    expect(hashOf('same-keys-other-order')).toBe(first);
    expect(hashOf('other')).not.toBe(first);

    // a label changes nothing of the fingerprint; new contents do
    server.put(
      configMap(
        'orders-env',
        { LOG_LEVEL: 'info', PORT: '8080' },
        { team: 'a' },
      ),
    );
    await until(() => changes.length === 2, 'the label change');
    expect(hashOf('orders-env')).toBe(first);
    server.put(configMap('orders-env', { LOG_LEVEL: 'warn', PORT: '8080' }));
    await until(() => changes.length === 3, 'the contents change');
    expect(hashOf('orders-env')).not.toBe(first);
  });

  it('stops watching and retrying when stopped', async () => {
    const { reflector } = startReflector();
    await watchOpen(reflector);
    reflector.stop();
    await until(() => server.openWatches === 0, 'the watch to close');

    server.failLists = 500;
    const failing = startReflector();
    await until(() => jest.getTimerCount() === 1, 'a backoff');
    failing.reflector.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});
