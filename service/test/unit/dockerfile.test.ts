import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Cmd, Copy, DockerfileParser, Healthcheck, type Instruction } from 'dockerfile-ast';
import { SERVICE_DIR } from '../helpers.js';

const text = readFileSync(join(SERVICE_DIR, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions();

/** Instructions grouped by stage: each FROM starts one. */
function stages(): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of instructions) {
    if (i.getKeyword() === 'FROM') out.push([]);
    out.at(-1)?.push(i);
  }
  return out;
}
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const find = (stage: Instruction[], keyword: string) => stage.filter((i) => i.getKeyword() === keyword);
/** The exec (JSON) form of a CMD, or of a HEALTHCHECK's CMD; undefined for the shell form. */
function execForm(i: Instruction): string[] | undefined {
  if (i instanceof Cmd) {
    const strings = i.getJSONStrings();
    return strings.length ? strings.map((s) => s.getJSONValue()) : undefined;
  }
  if (i instanceof Healthcheck) {
    const [sub, ...rest] = args(i);
    if (sub !== 'CMD') return undefined;
    try {
      const parsed: unknown = JSON.parse(rest.join(' '));
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

describe('Dockerfile', () => {
  const all = stages();
  const build = all[0]!;
  const runtime = all.at(-1)!;

  it('parses without problems and is multi-stage', () => {
    assert.ok(all.length >= 2, 'a build stage and a runtime stage');
    assert.equal(dockerfile.getFROMs().at(-1)?.getBuildStage(), 'runtime');
  });

  it('pins base images to a Node major version (no latest)', () => {
    const imageArg = dockerfile.getARGs().find((a) => a.getProperty()?.getName() === 'NODE_IMAGE');
    const image = imageArg?.getProperty()?.getValue() ?? '';
    assert.match(image, /^node:2[2-9]-[a-z]+-slim$/);
    for (const from of dockerfile.getFROMs()) assert.doesNotMatch(from.getImageName() ?? '', /latest/);
  });

  it('builds with the lockfile and ships production dependencies only', () => {
    const runs = find(build, 'RUN').map((i) => args(i).join(' '));
    assert.ok(runs.some((r) => r.startsWith('npm ci')), 'npm ci in the build stage');
    assert.ok(runs.some((r) => /npm run build/.test(r) && /npm prune --omit=dev/.test(r)), 'build then prune');
    assert.equal(find(runtime, 'RUN').length, 0, 'the runtime stage runs nothing (no package manager step)');
    const copies = find(runtime, 'COPY') as Copy[];
    for (const c of copies) assert.equal(c.getFromFlag()?.getValue(), 'build', `runtime copies only from the build stage`);
    const targets = copies.map((c) => args(c).at(-1));
    assert.deepEqual(targets.sort(), ['./dist', './node_modules', './package.json']);
  });

  it('runs as numeric non-root user 10001', () => {
    const users = find(runtime, 'USER');
    assert.equal(users.length, 1);
    const [uid, gid] = args(users[0]!)[0]!.split(':');
    assert.equal(uid, '10001');
    assert.equal(gid, '10001');
    const userIndex = runtime.indexOf(users[0]!);
    const cmdIndex = runtime.findIndex((i) => i.getKeyword() === 'CMD');
    assert.ok(userIndex < cmdIndex, 'USER comes before CMD');
  });

  it('starts node directly on dist/index.js, listening on APP_PORT 8080', () => {
    const cmd = find(runtime, 'CMD');
    assert.equal(cmd.length, 1);
    assert.deepEqual(execForm(cmd[0]!), ['node', 'dist/index.js']);
    assert.deepEqual(args(find(runtime, 'EXPOSE')[0]!), ['8080']);
    const env = find(runtime, 'ENV').flatMap((i) => args(i)).join(' ');
    assert.match(env, /APP_PORT=8080/);
    assert.match(env, /NODE_ENV=production/);
  });

  it('has a HEALTHCHECK on /health/live that uses node, not curl', () => {
    const hc = find(runtime, 'HEALTHCHECK');
    assert.equal(hc.length, 1);
    const flags = new Map((hc[0] as Healthcheck).getFlags().map((f) => [f.getName(), f.getValue()]));
    assert.match(flags.get('timeout') ?? '', /^\d+s$/);
    assert.match(flags.get('interval') ?? '', /^\d+s$/);
    const cmd = execForm(hc[0]!);
    assert.deepEqual(cmd, ['node', 'dist/healthcheck.js']);
    const script = readFileSync(join(SERVICE_DIR, 'src/healthcheck.ts'), 'utf8');
    assert.match(script, /\/health\/live/);
    for (const i of instructions) assert.doesNotMatch(args(i).join(' '), /\b(curl|wget|apt-get)\b/);
  });

  it('ignores local build output and dependencies in the build context', () => {
    const ignore = readFileSync(join(SERVICE_DIR, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.env']) assert.ok(ignore.includes(entry), entry);
  });
});
