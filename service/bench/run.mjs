#!/usr/bin/env node
// Side-by-side benchmark on loopback: bare Express hello-world, our example route, and /metrics.
// Usage: npm run bench [-- --duration 5 --rounds 3 --connections 10 --log-level info]
// Bounded: each run lasts --duration seconds (max 30), --rounds (max 5) rounds, 127.0.0.1 only; the
// servers it starts are stopped at the end. Rounds interleave the targets and the medians are printed,
// and each server's CPU time per request is read from /proc: on a shared, busy machine that figure is
// far steadier than req/s.
import autocannon from 'autocannon';
import { fork, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const duration = Math.min(30, Math.max(1, Number(values.duration)));
const rounds = Math.min(5, Math.max(1, Number(values.rounds)));
const connections = Math.min(100, Math.max(1, Number(values.connections)));

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitUp(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function run(title, url, extra = {}) {
  return new Promise((resolve, reject) => {
    autocannon({ title, url, connections, duration, pipelining: 1, ...extra }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function warm(url) {
  await new Promise((resolve, reject) =>
    autocannon({ url, connections, duration: 2 }, (err) => (err ? reject(err) : resolve())),
  );
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat (Linux). */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s ticks
  } catch {
    return NaN;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sequential scrapes: how long one /metrics render takes, end to end on loopback. */
async function scrapeLatency(url, n = 200) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.text();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)], p99: times[Math.floor(n * 0.99)] };
}

const devnull = openSync('/dev/null', 'w');
const children = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

try {
  const barePort = await freePort();
  const bare = fork(join(here, 'bare.mjs'), [], { env: { APP_PORT: String(barePort) }, stdio: ['ignore', devnull, 'inherit', 'ipc'] });
  children.push(bare);

  const oursPort = await freePort();
  // Logs go to /dev/null, as a container's stdout goes to the node's log file: the write cost stays in.
  const ours = spawn(process.execPath, [join(here, '../dist/index.js')], {
    env: { APP_PORT: String(oursPort), LOG_LEVEL: values['log-level'], SHUTDOWN_DELAY_SECONDS: '0', PATH: process.env.PATH },
    stdio: ['ignore', devnull, 'inherit'],
  });
  children.push(ours);

  const targets = [
    ['bare express  GET /hello', `http://127.0.0.1:${barePort}/hello`, bare.pid],
    ['ours          GET /api/items', `http://127.0.0.1:${oursPort}/api/items`, ours.pid],
    ['ours          GET /metrics', `http://127.0.0.1:${oursPort}/metrics`, ours.pid],
  ];
  for (const [, url] of targets) await waitUp(url);
  for (const [, url] of targets) await warm(url);

  console.log(
    `node ${process.version}, ${connections} connections, ${rounds} interleaved rounds of ${duration}s per target (after 2s warm-up), LOG_LEVEL=${values['log-level']}`,
  );
  const samples = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [title, url, pid]] of targets.entries()) {
      const cpu0 = cpuMs(pid);
      const r = await run(title, url);
      const cpuUsPerReq = ((cpuMs(pid) - cpu0) * 1000) / r.requests.total;
      samples[i].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, cpuUsPerReq });
    }
  }
  const results = targets.map(([title], i) => ({
    title,
    rps: median(samples[i].map((s) => s.rps)),
    p50: median(samples[i].map((s) => s.p50)),
    p99: median(samples[i].map((s) => s.p99)),
    cpu: median(samples[i].map((s) => s.cpuUsPerReq)),
    errors: samples[i].reduce((n, s) => n + s.errors, 0),
    all: samples[i].map((s) => Math.round(s.rps)).join('/'),
  }));
  const scrape = await scrapeLatency(targets[2][1]);

  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\n${pad('target (medians)', 30)}${pad('req/s', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('CPU us/req', 12)}${pad('errors', 8)}req/s per round`);
  for (const r of results) {
    console.log(`${pad(r.title, 30)}${pad(Math.round(r.rps), 8)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.cpu.toFixed(0), 12)}${pad(r.errors, 8)}${r.all}`);
  }
  const [bareR, oursR, metricsR] = results;
  const ratio = oursR.rps / bareR.rps;
  const cpuRatio = bareR.cpu / oursR.cpu;
  console.log(`\nours/bare throughput: ${(ratio * 100).toFixed(1)} % by req/s, ${(cpuRatio * 100).toFixed(1)} % by CPU per request   (target >= 85 %)  ${ratio >= 0.85 ? 'OK' : 'MISSED'}`);
  console.log(`ours p99: ${oursR.p99} ms (bare: ${bareR.p99} ms)   (target < 10 ms)  ${oursR.p99 < 10 ? 'OK' : 'MISSED'}`);
  console.log(
    `/metrics: one scrape at a time p50 ${scrape.p50.toFixed(2)} ms, p99 ${scrape.p99.toFixed(2)} ms; ${metricsR.cpu.toFixed(0)} us CPU per render under load   (target < 10 ms)  ${scrape.p50 < 10 ? 'OK' : 'MISSED'}`,
  );
  console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${(await import('node:os')).availableParallelism()} CPUs`);
} finally {
  stopAll();
}
