// Load generator of scripts/bench/status-bench (run by it, with its environment).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

const URL_BASE = process.env.BENCH_URL;
const TOKEN = process.env.BENCH_TOKEN;
const PID = process.env.BENCH_PID;
const PODS = Number(process.env.BENCH_PODS);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RSS0_KB = Number(process.env.BENCH_RSS0_KB);
const headers = {
  Authorization: `Bearer ${TOKEN}`,
  'Content-Type': 'application/json',
};
const ENTITY_PATH = '/api/environments/entities/component/default/bench-svc';

/** The backend may be gone: the kernel kills it when it passes its memory limit (BENCH_BACKEND=bundle). */
const backendAlive = () => fs.existsSync(`/proc/${PID}/stat`);
const rssMb = () =>
  backendAlive()
    ? Number(
        fs
          .readFileSync(`/proc/${PID}/status`, 'utf8')
          .match(/VmRSS:\s+(\d+)/)[1],
      ) / 1024
    : NaN;
const sleep = ms => new Promise(r => setTimeout(r, ms));
/** CPU time (user + system, ms) the backend process has used so far, from /proc. */
const backendCpuMs = () => {
  if (!backendAlive()) return NaN;
  const fields = fs
    .readFileSync(`/proc/${PID}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
};
const CLOCK_TICKS = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);
/** CPU time (ms) this load generator has used so far. */
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Sum of apiserver_request_total over every verb, resource and code. */
function apiServerRequests() {
  const text = execFileSync('kubectl', ['get', '--raw', '/metrics'], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('apiserver_request_total{'))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function percentile(sorted, p) {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : NaN;
}

async function load(name, request) {
  const latencies = [];
  let errors = 0;
  const cpuBefore = { backend: backendCpuMs(), own: ownCpuMs() };
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        try {
          const res = await request();
          await res.arrayBuffer();
          if (!res.ok) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: latencies.length,
    errors,
    // where the two cores went, per answer: the backend, and this generator (HTTP client, gzip decoding)
    backendCpuMs: (backendCpuMs() - cpuBefore.backend) / latencies.length,
    clientCpuMs: (ownCpuMs() - cpuBefore.own) / latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/** Requests the API server received during the load, minus what it gets anyway in as long a quiet window. */
async function measured(name, request) {
  const quietStart = apiServerRequests();
  await sleep(SECONDS * 1000);
  const background = apiServerRequests() - quietStart - 1; // minus our own /metrics read
  const before = apiServerRequests();
  const result = await load(name, request);
  const during = apiServerRequests() - before - 1;
  return {
    ...result,
    apiCallsPerRequest: Math.max(0, during - background) / result.requests,
    background,
    during,
  };
}

/**
 * Fleet mode: the fleet page's one request, with every component's three stages in it, under
 * BENCH_CLIENTS concurrent clients; then the backend's RSS.
 */
async function fleetBench() {
  const COMPONENTS = Number(process.env.BENCH_COMPONENTS);
  const fleet = () => fetch(`${URL_BASE}/api/environments/fleet`, { headers });
  let body;
  for (let i = 0; ; i++) {
    const res = await fleet().catch(() => undefined);
    body = res?.ok ? await res.json() : undefined;
    if (
      body?.rows?.length === COMPONENTS &&
      body.rows.every(r =>
        r.stages.every(s => s.state === 'ok' && s.ready === 1),
      )
    )
      break;
    if (i > 300)
      throw new Error(
        `the fleet never showed ${COMPONENTS} components ready in 3 stages: ${
          body?.rows?.length ?? 0
        } rows`,
      );
    await sleep(1000);
  }
  const bytes = Buffer.byteLength(JSON.stringify(body));
  const rssBefore = rssMb();
  const result = await load('environments fleet', fleet);
  const fmt = n => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  console.log(
    `\n${COMPONENTS} components x 3 stages, ${CLIENTS} concurrent clients, ${SECONDS} s; answer ${(
      bytes / 1024
    ).toFixed(0)} kB`,
  );
  console.log(
    `fleet: ${result.requests} requests, ${result.errors} errors, p50 ${fmt(
      result.p50,
    )} ms, p95 ${fmt(result.p95)} ms, p99 ${fmt(
      result.p99,
    )} ms; CPU per answer ${fmt(result.backendCpuMs)} ms in the backend, ${fmt(
      result.clientCpuMs,
    )} ms in the load generator`,
  );
  console.log(
    `backend RSS: ${rssBefore.toFixed(0)} MB before the load, ${rssMb().toFixed(
      0,
    )} MB after`,
  );
}

if (process.env.BENCH_MODE === 'fleet') {
  await fleetBench();
  process.exit(0);
}

const status = () => fetch(`${URL_BASE}${ENTITY_PATH}/status`, { headers });
const checklist = () =>
  fetch(`${URL_BASE}${ENTITY_PATH}/checklist`, { headers });

/**
 * A lean client, as wrk or autocannon measure: keep-alive sockets, asks for gzip like a browser (so the
 * backend does the same work) but counts the compressed bytes instead of decoding them, which leaves the
 * shared cores to the backend. Answers what `load` reads of a fetch response.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
const rawGet = path => () =>
  new Promise((resolve, reject) => {
    const req = http.get(
      `${URL_BASE}${path}`,
      { agent, headers: { ...headers, 'Accept-Encoding': 'gzip' } },
      res => {
        res.on('data', () => {});
        res.on('end', () =>
          resolve({
            ok: res.statusCode >= 200 && res.statusCode < 300,
            arrayBuffer: async () => undefined,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
let entity;
const kubernetesBackend = () =>
  fetch(`${URL_BASE}/api/kubernetes/services/bench-svc`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ entity }),
  });

// Wait until the catalog has the entity and the caches hold every pod.
for (let i = 0; ; i++) {
  const res = await status().catch(() => undefined);
  const body = res?.ok ? await res.json() : undefined;
  if (
    body?.stages?.length === 3 &&
    body.stages.every(s => s.state === 'ok' && s.podCount === PODS)
  )
    break;
  if (i > 300)
    throw new Error(
      `status never showed ${PODS} pods per stage: ${JSON.stringify(
        body,
      )?.slice(0, 500)}`,
    );
  await sleep(1000);
}
entity = await (
  await fetch(
    `${URL_BASE}/api/catalog/entities/by-name/component/default/bench-svc`,
    { headers },
  )
).json();
const rssCached = rssMb();

const results = [];
results.push(await measured('environments status', status));
results.push(await measured('environments checklist', checklist));
results.push(
  await measured('status, lean client', rawGet(`${ENTITY_PATH}/status`)),
);
results.push(
  await measured('checklist, lean client', rawGet(`${ENTITY_PATH}/checklist`)),
);
const rssAfterOurs = rssMb();

// Change to visible: bump the dev Deployment's replicas and poll the status every 20 ms.
const visible = [];
for (let i = 1; i <= 5; i++) {
  const replicas = PODS + i;
  const started = performance.now();
  execFileSync('kubectl', [
    '-n',
    'dev',
    'patch',
    'deployment',
    'bench-svc',
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { replicas } }),
  ]);
  for (;;) {
    const body = await (await status()).json();
    if (
      body.stages.find(s => s.stage === 'dev').workload.replicas.desired ===
      replicas
    )
      break;
    if (performance.now() - started > 10_000)
      throw new Error('change not visible within 10 s');
    await sleep(20);
  }
  visible.push(performance.now() - started);
}
execFileSync('kubectl', [
  '-n',
  'dev',
  'scale',
  'deployment',
  'bench-svc',
  `--replicas=${PODS}`,
]);

// Backstage's Kubernetes backend last: under a memory limit it may not survive its own load. Not when
// profiling: a backend the kernel kills writes no profile.
const profiling = Boolean(process.env.BENCH_CPU_PROF);
if (!profiling) {
  results.push(
    await measured('kubernetes-backend services', kubernetesBackend),
  );
}
const rssAfter = rssMb();
const killed = !backendAlive();

const fmt = n => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
console.log(
  `\n3 stages x ${PODS} pods, ${CLIENTS} concurrent clients, ${SECONDS} s per endpoint`,
);
console.log(
  'endpoint                        requests errors  p50 ms   p95 ms   p99 ms  API-server calls/request',
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(31)} ${String(r.requests).padStart(8)} ${String(
      r.errors,
    ).padStart(6)} ${fmt(r.p50).padStart(8)} ${fmt(r.p95).padStart(8)} ${fmt(
      r.p99,
    ).padStart(8)}  ${r.apiCallsPerRequest.toFixed(3)} (during ${
      r.during
    }, quiet ${r.background})`,
  );
}
for (const r of results) {
  console.log(
    `${r.name}: CPU per answer ${r.backendCpuMs.toFixed(
      2,
    )} ms in the backend, ${r.clientCpuMs.toFixed(2)} ms in the load generator`,
  );
}
const [ours, , , , theirs] = results;
console.log(
  profiling
    ? 'kubernetes-backend: not measured while profiling (BENCH_CPU_PROF)'
    : killed
    ? `kubernetes-backend: the backend was killed by its memory limit during this load (${
        theirs.requests - theirs.errors
      } answers before it)`
    : `p95 ratio kubernetes-backend / environments status: ${(
        theirs.p95 / ours.p95
      ).toFixed(1)}x`,
);
console.log(
  `change to visible (dev replicas, 5 runs): ${visible
    .map(v => v.toFixed(0))
    .join(', ')} ms; max ${Math.max(...visible).toFixed(0)} ms`,
);
console.log(
  `backend RSS: ${(RSS0_KB / 1024).toFixed(
    0,
  )} MB before the pods existed, ${rssCached.toFixed(0)} MB with ${
    3 * PODS
  } pods cached, ${rssAfterOurs.toFixed(
    0,
  )} MB after the environments load (growth ${(
    rssAfterOurs -
    RSS0_KB / 1024
  ).toFixed(0)} MB), ${
    profiling
      ? 'the kubernetes-backend not loaded'
      : killed
      ? 'killed during the kubernetes-backend load (past its memory limit)'
      : `${rssAfter.toFixed(0)} MB after the kubernetes-backend load`
  }`,
);
