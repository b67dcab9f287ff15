#!/usr/bin/env node
// Points a created app at our packed tarballs instead of a registry, through root `resolutions`, so its
// package.json files name our packages by version range exactly as after a registry install. Also
// turns off install scripts of native addons the way this repository does (dependenciesMeta): there
// is no internet here for their prebuilt binaries.
//   node use-local-packages.mjs <app-dir> <packs-dir> <this-repo-package.json>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [appDir, packsDir, repoPackageJson] = process.argv.slice(2);
const file = join(appDir, 'package.json');
const root = JSON.parse(readFileSync(file, 'utf8'));

const resolutions = {};
for (const tarball of readdirSync(packsDir).filter(f => f.endsWith('.tgz'))) {
  // envportal-plugin-environments-backend-0.1.0.tgz -> @envportal/plugin-environments-backend
  const match = /^@?envportal-(.+)-\d+\.\d+\.\d+\.tgz$/.exec(tarball);
  if (!match) throw new Error(`unexpected tarball name ${tarball}`);
  resolutions[`@envportal/${match[1]}`] = `file:${join(packsDir, tarball)}`;
}
if (Object.keys(resolutions).length === 0) {
  throw new Error(`no tarballs in ${packsDir}`);
}

root.resolutions = { ...root.resolutions, ...resolutions };
root.dependenciesMeta = {
  ...root.dependenciesMeta,
  ...JSON.parse(readFileSync(repoPackageJson, 'utf8')).dependenciesMeta,
};
writeFileSync(file, `${JSON.stringify(root, null, 2)}\n`);
