/*
 * Benchmark, not a test: run by scripts/bench/dora-bench (DORA_BENCH=1), skipped otherwise. Times the
 * delivery metrics over 10,000 recorded promotions (500 components, 90 days) on SQLite and, when its
 * connection string is set, PostgreSQL: the fleet over 90 days and one component over 30, 20 runs each.
 */
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { PromotionStore } from '../../database/PromotionStore';
import { doraMetrics } from './doraMetrics';

const PROMOTIONS = Number(process.env.DORA_BENCH_PROMOTIONS ?? 10_000);
const COMPONENTS = 500;
const RUNS = 20;
const DAY = 86_400_000;
const run = process.env.DORA_BENCH ? describe : describe.skip;
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});
const STAGES = ['dev', 'staging', 'prod'];
const STATES = ['succeeded', 'succeeded', 'succeeded', 'rolled-back', 'failed'];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

run('delivery metrics at 10,000 promotions', () => {
  it.each(databases.eachSupportedId())(
    '%p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await PromotionStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const now = Date.now();
      const rows = Array.from({ length: PROMOTIONS }, (_, i) => {
        const component = `component:default/svc-${i % COMPONENTS}`;
        const hop = i % 2; // dev → staging, staging → prod
        const created = new Date(now - Math.floor(((i * 7919) % 90) * DAY) - i);
        return {
          id: randomUUID(),
          entity_ref: component,
          kind: 'promotion',
          from_stage: STAGES[hop],
          to_stage: STAGES[hop + 1],
          strategy: 'image',
          deployment: 'app',
          container: 'app',
          state: STATES[i % STATES.length],
          image_after: `registry.local/svc-${i % COMPONENTS}:${Math.floor(
            i / 2,
          )}`,
          in_flight_key: null,
          gates: '[]',
          risk: '{"level":"low","reasons":[]}',
          progress: '{}',
          requested_by: 'user:default/bench',
          summary: 'bench',
          created_at: created,
          rollout_completed_at: i % 5 === 4 ? null : created,
          finished_at: new Date(created.getTime() + 60_000),
        };
      });
      for (let i = 0; i < rows.length; i += 500) {
        await knex('environments_promotions').insert(rows.slice(i, i + 500));
      }
      const refs = Array.from(
        { length: COMPONENTS },
        (_, i) => `component:default/svc-${i}`,
      );
      /** p50 and p95 of RUNS calls, as printed. */
      const timed = async (call: () => Promise<unknown>) => {
        const ms: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const started = performance.now();
          await call();
          ms.push(performance.now() - started);
        }
        ms.sort((a, b) => a - b);
        return `p50 ${percentile(ms, 0.5).toFixed(1)} ms p95 ${percentile(
          ms,
          0.95,
        ).toFixed(1)} ms`;
      };
      /** The delivery metrics of `entityRefs` over the last `days`, timed, with the deployments counted. */
      const time = async (days: number, entityRefs: string[]) => {
        let samples = 0;
        const figures = await timed(async () => {
          const to = new Date();
          const from = new Date(to.getTime() - days * DAY);
          const deliveries = await store.deliveries({
            stage: 'prod',
            firstStage: 'dev',
            from,
            to,
            entityRefs,
          });
          samples = doraMetrics({
            range: '90d',
            stage: 'prod',
            from,
            to,
            deliveries,
          }).deploymentFrequency.count;
        });
        return { figures, samples };
      };
      const fleet = await time(90, refs);
      const one = await time(30, [refs[0]]);
      // eslint-disable-next-line no-console
      console.log(
        `DORA BENCH ${databaseId}: ${PROMOTIONS} promotions; fleet (${COMPONENTS} components, 90 days, ${fleet.samples} deployments) ${fleet.figures}; one component (30 days) ${one.figures}`,
      );
      // The fleet asks the first on every request, and reads the second when the first changed.
      const version = await timed(() => store.lastChangesVersion());
      const lastChanges = await timed(() => store.lastChanges(refs));
      // eslint-disable-next-line no-console
      console.log(
        `DORA BENCH ${databaseId}: fleet's what-should-run version ${version}; last changes of ${COMPONENTS} components ${lastChanges}`,
      );
      expect(fleet.samples).toBeGreaterThan(0);
    },
    600_000,
  );
});
