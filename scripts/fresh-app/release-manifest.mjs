#!/usr/bin/env node
// Prints a Backstage release manifest (the format `backstage-cli versions:bump` reads from
// BACKSTAGE_MANIFEST_FILE) for the release line this repository's plugins are built on: every
// @backstage package the given app depends on, at the version installed in this repository, or, for a
// package this repository does not use, the registry's latest (`npm view`).
//   node scripts/fresh-app/release-manifest.mjs <repo-root> <app-dir>
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [repoRoot, appDir] = process.argv.slice(2);
if (!repoRoot || !appDir) {
  console.error('usage: release-manifest.mjs <repo-root> <app-dir>');
  process.exit(2);
}

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
const manifestOf = dir =>
  ['dependencies', 'devDependencies'].flatMap(field =>
    Object.keys(readJson(join(dir, 'package.json'))[field] ?? {}),
  );

const names = new Set(
  ['.', 'packages/app', 'packages/backend']
    .flatMap(dir => manifestOf(join(appDir, dir)))
    .filter(name => name.startsWith('@backstage/')),
);

const installedVersion = name => {
  try {
    return readJson(join(repoRoot, 'node_modules', name, 'package.json'))
      .version;
  } catch {
    return undefined;
  }
};

const packages = [...names].sort().map(name => {
  const version =
    installedVersion(name) ??
    execFileSync('npm', ['view', name, 'version'], { encoding: 'utf8' }).trim();
  if (!/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`no version found for ${name}`);
  }
  return { name, version };
});

const releaseVersion = readJson(join(repoRoot, 'backstage.json')).version;
console.log(JSON.stringify({ releaseVersion, packages }, null, 2));
