// StrykerJS configuration for scripts/bench/mutation: one target per run (MUTATION_TARGET), run from
// the target's package directory, with the package's tests under Backstage's jest configuration.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Lines of a file that validate an action's input: module-level regular expressions, the
 * `input: { ... }` block of an action's schema, and a shared `...Schema = { ... }` of input fields.
 */
function inputValidationRanges(packageDir, file) {
  const lines = readFileSync(join(packageDir, file), 'utf8').split('\n');
  const ranges = [];
  lines.forEach((line, start) => {
    const block = /^(\s*)(input: \{|export const \w+Schema = \{)$/.exec(line);
    if (block) {
      const close = new RegExp(`^${block[1]}\\}[,;]?$`);
      const end = lines.findIndex((l, i) => i > start && close.test(l));
      ranges.push(`${file}:${start + 1}-${end + 1}`);
    }
    if (/^(export )?const [A-Z][A-Z0-9_]* =/.test(line)) {
      const end = lines.findIndex((l, i) => i >= start && l.endsWith(';'));
      const statement = lines.slice(start, end + 1).join('\n');
      if (/=\s*\/\^/.test(statement))
        ranges.push(`${file}:${start + 1}-${end + 1}`);
    }
  });
  return ranges;
}

const scaffolderModule = 'plugins/scaffolder-backend-module-environments';
// Every action, and the Terraform input fields they share.
const scaffolderValidationFiles = packageDir => [
  ...readdirSync(join(packageDir, 'src/actions'))
    .filter(
      name => name.endsWith('.ts') && !/\.(test|examples)\.ts$/.test(name),
    )
    .map(name => `src/actions/${name}`),
  'src/terraform/terraformRunner.ts',
];

/** packageDir: where Stryker runs; mutate: Stryker patterns; tests: testMatch under the package's src. */
export const targets = {
  promql: {
    packageDir: 'plugins/environments-backend',
    mutate: () => ['src/services/metrics/promql.ts'],
    tests: ['services/metrics/**/*.test.ts'],
  },
  checklist: {
    packageDir: 'plugins/environments-backend',
    mutate: () => ['src/services/checklist/checks.ts'],
    tests: ['services/checklist/**/*.test.ts'],
  },
  promotion: {
    packageDir: 'plugins/environments-backend',
    mutate: () =>
      [
        'executePromotion',
        'promotionSteps',
        'soak',
        'gates',
        'risk',
        'rollbackTarget',
        'workloadDiff',
      ].map(name => `src/services/promotion/${name}.ts`),
    tests: ['services/promotion/**/*.test.ts'],
  },
  'scaffolder-validation': {
    packageDir: scaffolderModule,
    mutate: packageDir =>
      scaffolderValidationFiles(packageDir).flatMap(file =>
        inputValidationRanges(packageDir, file),
      ),
    tests: ['actions/**/*.test.ts'],
    // The suites that deploy to the local cluster are skipped: a mutation run never touches one.
    moduleNameMapper: {
      '^\\.\\./__testUtils__/localCluster$': join(
        here,
        'localClusterSkipped.cjs',
      ),
    },
  },
};

const name = process.env.MUTATION_TARGET;
const target = targets[name];
const repoRoot = process.env.REPO_ROOT;
const out = process.env.MUTATION_OUT;

export default target && {
  mutate: target.mutate(join(repoRoot, target.packageDir)),
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: require.resolve('@backstage/cli/config/jest.js'),
    config: {
      testMatch: target.tests.map(glob => `<rootDir>/${glob}`),
      // Suites that need outside services or measure timing are not unit tests of the mutated code.
      testPathIgnorePatterns: [
        '/node_modules/',
        '\\.integration\\.test\\.ts$',
        '\\.bench\\.test\\.ts$',
      ],
      ...(target.moduleNameMapper && {
        moduleNameMapper: target.moduleNameMapper,
      }),
    },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 10000,
  dryRunTimeoutMinutes: 15,
  tempDirName: process.env.MUTATION_TMP,
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'dist-types'],
  plugins: ['@stryker-mutator/jest-runner', join(here, 'ignorers.mjs')],
  ignorers: ['schema-text'],
  allowConsoleColors: false,
  reporters: ['clear-text', 'json', 'progress'],
  clearTextReporter: { allowColor: false, logTests: false },
  jsonReporter: { fileName: join(out, 'mutation.json') },
};
