import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SERVICE_DIR, STRICT, startService } from '../helpers.js';

const UID = 10001;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const skip = !isRoot ? 'needs root to switch to uid 10001' : !hasSetpriv ? 'setpriv (util-linux) not found' : false;
if (skip && STRICT) throw new Error(`production-build test cannot run: ${skip}`);

/**
 * Lays out what the image's runtime stage holds: package.json, dist/, production dependencies only
 * (from the lockfile), and a node binary; all owned by root and not writable by the service user.
 */
function layOutImage(): string {
  const root = mkdtempSync(join(tmpdir(), 'svc-image-'));
  const app = join(root, 'app');
  mkdirSync(join(app, 'bin'), { recursive: true });
  cpSync(join(SERVICE_DIR, 'dist'), join(app, 'dist'), { recursive: true });
  copyFileSync(join(SERVICE_DIR, 'package.json'), join(app, 'package.json'));
  const lock = JSON.parse(readFileSync(join(SERVICE_DIR, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || meta.dev) continue;
    const from = join(SERVICE_DIR, path);
    if (existsSync(from)) cpSync(from, join(app, path), { recursive: true });
  }
  // The service's own node (CI runs Node 22 from a cache under a home the service user cannot enter).
  copyFileSync(process.execPath, join(app, 'bin/node'));
  const lockDown = (p: string) => {
    const st = statSync(p);
    chmodSync(p, st.isDirectory() || st.mode & 0o100 ? 0o755 : 0o644);
    if (st.isDirectory()) for (const e of readdirSync(p)) lockDown(join(p, e));
  };
  chmodSync(root, 0o755);
  lockDown(app);
  return app;
}

const asServiceUser = (app: string, ...args: string[]) => [
  'setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', '--', join(app, 'bin/node'), ...args,
];

describe('production build as the non-root image user', { skip }, () => {
  let app = '';
  after(() => {
    if (app) rmSync(join(app, '..'), { recursive: true, force: true });
  });

  it('runs node dist/index.js as uid 10001 with production dependencies only, and answers probes', async () => {
    app = layOutImage();
    assert.ok(!existsSync(join(app, 'node_modules/typescript')), 'dev dependencies are not shipped');
    assert.ok(existsSync(join(app, 'node_modules/express')), 'runtime dependencies are');

    const svc = await startService(
      { HOME: '/nonexistent', NODE_ENV: 'production', APP_VERSION: '3.1.4' },
      { command: asServiceUser(app, 'dist/index.js'), cwd: app },
    );
    try {
      const status = readFileSync(`/proc/${svc.proc.pid}/status`, 'utf8');
      const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
      assert.deepEqual(uids?.slice(1), [String(UID), String(UID), String(UID)], 'runs as uid 10001');
      assert.doesNotMatch(status, /^Groups:\s*\d/m, 'no supplementary groups');

      const live = await fetch(`${svc.url}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'ok' });
      assert.equal((await fetch(`${svc.url}/health/ready`)).status, 200);
      assert.equal(((await (await fetch(`${svc.url}/api/info`)).json()) as { version: string }).version, '3.1.4');

      // The image's HEALTHCHECK command, as the same user.
      const [cmd, ...args] = asServiceUser(app, 'dist/healthcheck.js');
      const hc = spawnSync(cmd!, args, { cwd: app, env: { APP_PORT: String(svc.port) }, timeout: 5000 });
      assert.equal(hc.status, 0, 'healthcheck passes');
      const hcDown = spawnSync(cmd!, args, { cwd: app, env: { APP_PORT: '1' }, timeout: 5000 });
      assert.equal(hcDown.status, 1, 'healthcheck fails when nothing listens');

      // Read-only root friendly: the user cannot write to the app, only to /tmp.
      const write = (file: string) =>
        spawnSync(cmd!, [...args.slice(0, -1), '-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'x')`], { cwd: app });
      assert.match(String(write(join(app, 'dist/x')).stderr), /EACCES/);
      const tmpFile = join(tmpdir(), `svc-write-${process.pid}`);
      assert.equal(write(tmpFile).status, 0);
      rmSync(tmpFile, { force: true });
    } finally {
      assert.equal(await svc.stop(), 0, 'exits 0 on SIGTERM');
    }
  });
});
