import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { describeWhenAvailable } from '@envportal/test-utils';
import {
  createPromotionChangeBus,
  PromotionChange,
  PromotionChangeBus,
} from './promotionChangeBus';

// PostgreSQL when scripts/test.d/72-promotion-integration.sh exports its connection string.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

async function until(what: string, check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

const databaseId = 'POSTGRES_15';

describeWhenAvailable(
  'promotion change bus on PostgreSQL',
  {
    available: databases.eachSupportedId().flat().includes(databaseId),
    needs:
      'PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; stage 72 starts one)',
  },
  () => {
    const buses: PromotionChangeBus[] = [];
    afterEach(async () => {
      await Promise.all(buses.splice(0).map(bus => bus.stop()));
    });

    async function replica(knex: Awaited<ReturnType<typeof databases.init>>) {
      const heard: PromotionChange[] = [];
      const bus = await createPromotionChangeBus({
        knex,
        logger: mockServices.logger.mock(),
        onRemoteChange: change => heard.push(change),
      });
      buses.push(bus);
      return { bus, heard };
    }

    it('tells the other replicas of a change, not the one that wrote it', async () => {
      const knex = await databases.init(databaseId);
      const a = await replica(knex);
      const b = await replica(knex);
      const c = await replica(knex);
      a.bus.announce({ entityRef: 'component:default/orders', stage: 'prod' });
      await until(
        'b and c to hear it',
        () => b.heard.length + c.heard.length === 2,
      );
      expect(b.heard).toEqual([
        { entityRef: 'component:default/orders', stage: 'prod' },
      ]);
      expect(c.heard).toEqual(b.heard);
      // NOTIFY is delivered to every listener, the writer included; it must not hear itself
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(a.heard).toEqual([]);
    });

    it('hears again after its listening connection was cut', async () => {
      const knex = await databases.init(databaseId);
      const a = await replica(knex);
      const b = await replica(knex);
      // what a database failover or an idle-connection killer does to the LISTEN session
      const { rows } = await knex.raw(
        `select pg_terminate_backend(pid) as cut from pg_stat_activity
       where query ilike 'LISTEN %' and datname = current_database()`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      // announced until heard: announcements while b reconnects are lost, as the bus documents
      const deadline = Date.now() + 10_000;
      while (b.heard.length === 0 && Date.now() < deadline) {
        a.bus.announce({ entityRef: 'component:default/orders', stage: 'dev' });
        await new Promise(resolve => setTimeout(resolve, 250));
      }
      expect(b.heard[0]).toEqual({
        entityRef: 'component:default/orders',
        stage: 'dev',
      });
    });

    it('ignores notifications it cannot read and stops listening when stopped', async () => {
      const knex = await databases.init(databaseId);
      const b = await replica(knex);
      const notify = (payload: string) =>
        knex.raw(`select pg_notify('envportal_promotion_changes', ?)`, [
          payload,
        ]);
      await notify('not json');
      await notify('{"r":"x","e":1}');
      await notify(JSON.stringify({ r: 'x', e: 'a'.repeat(600), s: 'dev' }));
      // a valid one after them: once it is heard, the ones before it were seen and dropped
      await notify('{"r":"x","e":"component:default/a","s":"dev"}');
      await until('the valid notification', () => b.heard.length > 0);
      expect(b.heard).toEqual([
        { entityRef: 'component:default/a', stage: 'dev' },
      ]);
      await b.bus.stop();
      await notify('{"r":"x","e":"component:default/b","s":"dev"}');
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(b.heard).toHaveLength(1);
      const { rows } = await knex.raw(
        `select count(*)::int as n from pg_stat_activity where query ilike 'LISTEN %' and datname = current_database()`,
      );
      expect(rows[0].n).toBe(0);
    });
  },
);

it('carries nothing on SQLite, where there is one replica', async () => {
  const knex = await databases.init('SQLITE_3');
  const heard: PromotionChange[] = [];
  const bus = await createPromotionChangeBus({
    knex,
    logger: mockServices.logger.mock(),
    onRemoteChange: change => heard.push(change),
  });
  bus.announce({ entityRef: 'component:default/orders', stage: 'dev' });
  await bus.stop();
  expect(heard).toEqual([]);
});
