#!/usr/bin/env node
// Prices each layer of the service on GET /api/items: CPU time per request of the server process,
// interleaved rounds, medians. Usage: node bench/ablate.mjs [--duration 4 --rounds 3] (after npm run build)
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { duration: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' } } });
const duration = Math.min(30, Number(values.duration));
const rounds = Math.min(5, Number(values.rounds));
const variants = {
  router: 'express + example router only',
  'obs-silent': '+ request id, metrics (logging off)',
  'obs-sync': '+ request id, metrics, pino sync stdout',
  obs: '+ request id, metrics, pino async 4 KiB batches (ours)',
  'obs+helmet': '+ helmet defaults',
  'obs+helmet-lean': '+ helmet, API-only headers (ours)',
};
const cpuMs = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};
const devnull = openSync('/dev/null', 'w');
const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
const servers = {};
for (const v of Object.keys(variants)) {
  const child = fork(join(here, 'ablate-server.mjs'), [], { env: { VARIANT: v }, stdio: ['ignore', devnull, 'inherit', 'ipc'] });
  children.push(child);
  const port = await new Promise((r) => child.once('message', r));
  servers[v] = { pid: child.pid, url: `http://127.0.0.1:${port}/api/items`, cpu: [], rps: [] };
}
const run = (url, d) => new Promise((res, rej) => autocannon({ url, connections: 10, duration: d }, (e, r) => (e ? rej(e) : res(r))));
for (const s of Object.values(servers)) await run(s.url, 2);
for (let i = 0; i < rounds; i++) {
  for (const s of Object.values(servers)) {
    const c0 = cpuMs(s.pid);
    const r = await run(s.url, duration);
    s.cpu.push(((cpuMs(s.pid) - c0) * 1000) / r.requests.total);
    s.rps.push(r.requests.average);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [v, label] of Object.entries(variants)) {
  const s = servers[v];
  console.log(`${label.padEnd(44)} ${median(s.cpu).toFixed(0).padStart(5)} us/req  ${Math.round(median(s.rps))} req/s`);
}
process.exit(0);
