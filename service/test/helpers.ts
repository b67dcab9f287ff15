import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createMetrics, type Metrics } from '../src/metrics.js';
import { createReadiness, type DependencyResult, type Readiness } from '../src/readiness.js';

export const SERVICE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** STRICT=1 (set by the repo's CI stage) turns "tool missing, skipping" into a failure. */
export const STRICT = process.env.SERVICE_TEST_STRICT === '1';

/** A pino destination that keeps parsed JSON lines in memory. */
export function captureLogs(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { lines, stream };
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  logs: Record<string, unknown>[];
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
}

export function buildTestApp(checks: Array<() => Promise<DependencyResult>> = []): TestApp {
  const { lines, stream } = captureLogs();
  const logger = createLogger('debug', stream);
  const metrics = createMetrics({ appVersion: '1.2.3-test' });
  const readiness = createReadiness(checks);
  const app = createApp({ logger, metrics, readiness, appVersion: '1.2.3-test' });
  return { app, logs: lines, logger, metrics, readiness };
}

/** Waits until pino's asynchronous writes (a microtask or two) have landed. */
export const settle = () => new Promise((r) => setImmediate(r));

/** A loopback HTTP server for dependency checks; `hits` counts requests. */
export async function startStub(
  handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; hits: () => number; close: () => Promise<void>; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits: () => hits,
    server,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Parses the Prometheus text exposition format into samples (enough for assertions). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const labelRe = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/g;
    let lm: RegExpExecArray | null;
    while ((lm = labelRe.exec(m[2] ?? ''))) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, '$1');
    const raw = m[3]!;
    // Prometheus parses values like Go's ParseFloat: NaN in any case, +Inf, -Inf.
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : /^nan$/i.test(raw) ? NaN : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`bad sample value: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

export interface RunningService {
  proc: ChildProcess;
  port: number;
  url: string;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/**
 * Starts the production build (dist/index.js) with APP_PORT=0 and reads the port from its
 * "listening" log line, so tests never race for a port.
 */
export async function startService(
  env: Record<string, string> = {},
  options: { command?: string[]; cwd?: string } = {},
): Promise<RunningService> {
  const command = options.command ?? [process.execPath, join(SERVICE_DIR, 'dist/index.js')];
  const proc = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd ?? SERVICE_DIR,
    env: { PATH: process.env.PATH ?? '', APP_PORT: '0', SHUTDOWN_DELAY_SECONDS: '0.2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const fail = (err: Error) => {
      proc.kill('SIGKILL');
      reject(err);
    };
    let buf = '';
    const timer = setTimeout(() => fail(new Error(`service did not start; stderr: ${stderr}`)), 15000);
    proc.stdout!.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        stdout.push(line);
        try {
          const parsed = JSON.parse(line);
          if (parsed.msg === 'listening') {
            clearTimeout(timer);
            resolve(parsed.port);
          }
        } catch {
          // not JSON: kept in stdout for the assertion messages
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    stdout,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
