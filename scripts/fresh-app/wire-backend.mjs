#!/usr/bin/env node
// Wires our plugins into a created app's backend as the backend README's "Install" says: the backend
// plugin and the scaffolder module before `backend.start()`, and the environments permission policy
// module (src/environmentsPolicy.ts, the README's example) in place of the allow-all policy.
//   node wire-backend.mjs <packages/backend/src/index.ts>
import { readFileSync, writeFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
let source = readFileSync(file, 'utf8');

const replace = (from, to) => {
  if (!source.includes(from)) throw new Error(`${file} has no ${from}`);
  source = source.replace(from, to);
};

replace(
  "import('@backstage/plugin-permission-backend-module-allow-all-policy')",
  "import('./environmentsPolicy')",
);
replace(
  'backend.start();',
  [
    "backend.add(import('@envportal/plugin-environments-backend'));",
    "backend.add(import('@envportal/plugin-scaffolder-backend-module-environments'));",
    '',
    'backend.start();',
  ].join('\n'),
);
writeFileSync(file, source);
