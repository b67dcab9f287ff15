import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { servicesRequired } from '@envportal/test-utils';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { registerEnvironmentsActions } from '../../actions/registerEnvironmentsActions';
import { createPromotionService } from './createPromotionService';
import { fakeCluster, fakeImageStrategy } from './__testUtils__/fakeCluster';
import {
  demoPolicyPermissions,
  GUEST,
  RELEASE_MANAGER as RITA,
  SECOND_RELEASE_MANAGER as ROB,
} from './__testUtils__/policyPermissions';
import {
  ORDERS,
  ORDERS_REF as ref,
  promotionTestbed,
} from './__testUtils__/promotionTestbed';

// SQLite always; PostgreSQL when scripts/test.d/72-promotion-integration.sh exports its connection string.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

if (servicesRequired()) {
  it('runs on PostgreSQL as well as SQLite', () => {
    expect(databases.eachSupportedId().flat()).toContain('POSTGRES_15');
  });
}

const DEV = 'registry.local/orders:1.3.0';
const STAGING = 'registry.local/orders:1.2.0';
const PROD = 'registry.local/orders:1.1.0';
const RELEASE_MANAGERS = 'group:default/release-managers';

const as = (user: string) => ({ credentials: mockCredentials.user(user) });

/** Tuesday 2026-12-01 10:00 in Berlin: inside the weekday window below. */
const TUESDAY_MORNING = new Date('2026-12-01T09:00:00Z');
/** Friday 2026-12-04 18:00 in Berlin: closed until Monday 09:00 (08:00 UTC). */
const FRIDAY_EVENING = new Date('2026-12-04T17:00:00Z');
const MONDAY_OPENING = new Date('2026-12-07T08:00:00Z');

const WEEKDAYS = {
  timeZone: 'Europe/Berlin',
  allow: [
    {
      start: '2026-01-05T09:00',
      end: '2026-01-05T16:00',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    },
  ],
};

describe.each(databases.eachSupportedId())(
  'approvals and windows on %p',
  engine => {
    let knex: Knex | undefined;

    /**
     * The promotion engine on the real store and Backstage's permission backend with the demo's
     * policy; the cluster is the fake one, where every rollout completes. `staging` is what
     * `environments.promotion.stages.staging` adds; the clock is the test's.
     */
    async function engine_(
      staging: JsonObject,
      options: { clock?: { now: Date }; shareDatabase?: boolean } = {},
    ) {
      const clock = options.clock ?? { now: TUESDAY_MORNING };
      const cluster = fakeCluster();
      cluster.runs('dev', DEV);
      cluster.runs('staging', STAGING);
      cluster.runs('prod', PROD);
      const applied = fakeImageStrategy(cluster, Array(5).fill('completes'));
      const bed = await promotionTestbed({
        databases,
        engine,
        knex: options.shareDatabase ? knex : undefined,
        cluster,
        strategy: applied,
        permissions: await demoPolicyPermissions(),
        now: () => clock.now,
        promotion: {
          stages: {
            staging: { soakSeconds: 0, ...staging },
            prod: { soakSeconds: 0 },
          },
        },
      });
      knex = bed.knex;
      return {
        ...bed,
        clock,
        applied,
        service: createPromotionService(bed.deps),
      };
    }

    const twoApprovals = {
      approval: { required: 2, approvers: [RELEASE_MANAGERS] },
    };

    it('waits for two approvals from two approvers, then runs with its gates evaluated again', async () => {
      const { service, store, applied, notifications, audit } = await engine_(
        twoApprovals,
      );
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      expect(promotion.state).toBe('awaiting-approval');
      expect(promotion.approval).toMatchObject({
        required: 2,
        approvers: [RELEASE_MANAGERS],
        decisions: [],
        expiresAt: new Date(
          TUESDAY_MORNING.getTime() + 86400_000,
        ).toISOString(),
        canDecide: false,
        cannotDecideReason: 'You requested it; someone else must approve it',
      });
      // The slot is held: another request is refused while it waits.
      await expect(
        service.create({ entity: ref, from: 'dev', to: 'staging' }, as(GUEST)),
      ).rejects.toThrow(ConflictError);
      expect(notifications.sent).toEqual([
        expect.objectContaining({
          to: [RELEASE_MANAGERS],
          title: 'Approval requested: orders dev → staging',
          link: '/catalog/default/component/orders/environments',
        }),
      ]);

      const first = await service.decide(
        { id: promotion.id, decision: 'approve', comment: 'looks good' },
        as(RITA),
      );
      expect(first.state).toBe('awaiting-approval');
      expect(first.approval!.decisions).toEqual([
        expect.objectContaining({
          actor: RITA,
          decision: 'approve',
          comment: 'looks good',
        }),
      ]);
      expect(first.approval).toMatchObject({
        canDecide: false,
        cannotDecideReason: 'You already approved it',
      });
      expect(applied.calls).toEqual([]);

      const second = await service.decide(
        { id: promotion.id, decision: 'approve' },
        as(ROB),
      );
      await service.idle();
      expect(second.state).not.toBe('awaiting-approval');
      const done = (await store.get(promotion.id))!;
      expect([done.state, done.error]).toEqual(['succeeded', undefined]);
      expect(applied.calls.map(c => [c.namespace, c.image])).toEqual([
        ['staging', DEV],
      ]);
      expect(audit.events.map(e => [e.eventId, e.actor])).toEqual(
        expect.arrayContaining([
          ['promotion-requested', GUEST],
          ['promotion-approved', RITA],
          ['promotion-approved', ROB],
          ['promotion-succeeded', GUEST],
        ]),
      );
      expect(notifications.sent.map(n => [n.to, n.title])).toEqual([
        [[RELEASE_MANAGERS], 'Approval requested: orders dev → staging'],
        [[GUEST], 'Promotion approved: orders dev → staging'],
        [[GUEST], 'Promotion succeeded: orders dev → staging'],
      ]);
    });

    it("refuses the requester's own approval, non-approvers and tools, and changes nothing", async () => {
      const { service, store } = await engine_(twoApprovals);
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(RITA),
      );
      await expect(
        service.decide({ id: promotion.id, decision: 'approve' }, as(RITA)),
      ).rejects.toThrow(
        new NotAllowedError('You requested it; someone else must approve it'),
      );
      await expect(
        service.decide({ id: promotion.id, decision: 'approve' }, as(GUEST)),
      ).rejects.toThrow(
        new NotAllowedError(
          `Only ${RELEASE_MANAGERS} may approve promotions into staging`,
        ),
      );
      await expect(
        service.decide(
          { id: promotion.id, decision: 'approve' },
          { credentials: mockCredentials.service('external:release-agent') },
        ),
      ).rejects.toThrow(
        'Tools and agents may request promotions but never approve them',
      );
      expect(await store.decisions(promotion.id)).toEqual([]);
      expect((await store.get(promotion.id))!.state).toBe('awaiting-approval');
    });

    it('takes decisions through the actions registry (MCP) from users, never from a tool', async () => {
      const { service, store } = await engine_({
        approval: { approvers: [RELEASE_MANAGERS] },
      });
      const actionsRegistry = actionsRegistryServiceMock();
      registerEnvironmentsActions({
        actionsRegistry,
        status: {} as never,
        promotions: service,
      });
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      await expect(
        actionsRegistry.invoke({
          id: 'test:decide-promotion',
          input: { id: promotion.id, decision: 'approve' },
          credentials: mockCredentials.service('external:release-agent'),
        }),
      ).rejects.toThrow(
        'Tools and agents may request promotions but never approve them',
      );
      const result = await actionsRegistry.invoke({
        id: 'test:decide-promotion',
        input: { id: promotion.id, decision: 'approve', comment: 'ok by Rob' },
        credentials: mockCredentials.user(ROB),
      });
      await service.idle();
      expect(result.output).toMatchObject({ approvals: 1, required: 1 });
      expect((await store.get(promotion.id))!.state).toBe('succeeded');
      expect((await store.decisions(promotion.id))[0]).toMatchObject({
        actor: ROB,
        comment: 'ok by Rob',
      });
    });

    it('lets the requester approve when the stage allows it', async () => {
      const { service, store } = await engine_({
        approval: {
          required: 1,
          approvers: [RELEASE_MANAGERS],
          allowRequester: true,
        },
      });
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(RITA),
      );
      await service.decide({ id: promotion.id, decision: 'approve' }, as(RITA));
      await service.idle();
      expect((await store.get(promotion.id))!.state).toBe('succeeded');
    });

    it('ends with one rejection, frees the slot and tells the requester why', async () => {
      const { service, store, applied, notifications } = await engine_(
        twoApprovals,
      );
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      await service.decide({ id: promotion.id, decision: 'approve' }, as(ROB));
      const rejected = await service.decide(
        {
          id: promotion.id,
          decision: 'reject',
          comment: 'not during the sale',
        },
        as(RITA),
      );
      expect(rejected).toMatchObject({
        state: 'rejected',
        error: `rejected by ${RITA}: not during the sale`,
      });
      expect(applied.calls).toEqual([]);
      expect(notifications.sent.at(-1)).toMatchObject({
        to: [GUEST],
        title: 'Promotion rejected: orders dev → staging',
        description: `rejected by ${RITA}: not during the sale`,
      });
      // Decided promotions take no further decisions; the stage takes a new request.
      await expect(
        service.decide({ id: promotion.id, decision: 'approve' }, as(RITA)),
      ).rejects.toThrow(ConflictError);
      const again = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      expect(again.promotion.state).toBe('awaiting-approval');
      expect((await store.get(promotion.id))!.finishedAt).toBeDefined();
    });

    it('expires when nobody decides in time, and frees the slot', async () => {
      const clock = { now: TUESDAY_MORNING };
      const { service, store, notifications } = await engine_(
        { approval: { approvers: [RELEASE_MANAGERS], validForSeconds: 3600 } },
        { clock },
      );
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      clock.now = new Date(TUESDAY_MORNING.getTime() + 3599_000);
      await service.sweep();
      expect((await store.get(promotion.id))!.state).toBe('awaiting-approval');

      clock.now = new Date(TUESDAY_MORNING.getTime() + 3600_000);
      await service.sweep();
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'expired',
        error: `no decision before ${new Date(
          TUESDAY_MORNING.getTime() + 3600_000,
        ).toISOString()}`,
      });
      expect(notifications.sent.at(-1)).toMatchObject({
        to: [GUEST],
        title: 'Promotion expired: orders dev → staging',
      });
      await expect(
        service.decide({ id: promotion.id, decision: 'approve' }, as(RITA)),
      ).rejects.toThrow(ConflictError);
      expect(
        (
          await service.create(
            { entity: ref, from: 'dev', to: 'staging' },
            as(GUEST),
          )
        ).promotion.state,
      ).toBe('awaiting-approval');
    });

    it('keeps a request and its approvals across a restart, and runs it after the last approval', async () => {
      const before = await engine_({
        approval: { required: 2, approvers: [RELEASE_MANAGERS] },
      });
      const { promotion } = await before.service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      await before.service.decide(
        { id: promotion.id, decision: 'approve' },
        as(RITA),
      );
      await before.service.shutdown();

      const after = await engine_(
        { approval: { required: 2, approvers: [RELEASE_MANAGERS] } },
        { shareDatabase: true },
      );
      expect(
        (await after.service.get(promotion.id, as(ROB))).approval,
      ).toMatchObject({
        decisions: [expect.objectContaining({ actor: RITA })],
        canDecide: true,
      });
      await after.service.decide(
        { id: promotion.id, decision: 'approve' },
        as(ROB),
      );
      await after.service.idle();
      expect((await after.store.get(promotion.id))!.state).toBe('succeeded');
      expect(after.applied.calls).toHaveLength(1);
    });

    it('refuses a promotion while the window is closed, naming the next opening', async () => {
      const { service, store } = await engine_(
        { window: WEEKDAYS },
        { clock: { now: FRIDAY_EVENING } },
      );
      await expect(
        service.create({ entity: ref, from: 'dev', to: 'staging' }, as(GUEST)),
      ).rejects.toThrow(
        new InputError(
          'staging is closed for promotions until Mon 7 Dec, 09:00 CET. An emergency needs the window-override permission and a written reason.',
        ),
      );
      expect(
        (await store.list({ entityRef: ORDERS, limit: 5, offset: 0 })).total,
      ).toBe(0);
      expect(service.stages().find(s => s.stage === 'staging')!.window).toEqual(
        {
          open: false,
          changesAt: MONDAY_OPENING.toISOString(),
          timeZone: 'Europe/Berlin',
          outside: 'refuse',
        },
      );
    });

    it('queues a promotion while the window is closed and runs it when it opens', async () => {
      const clock = { now: FRIDAY_EVENING };
      const { service, store, applied } = await engine_(
        { window: { ...WEEKDAYS, outside: 'queue' } },
        { clock },
      );
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      expect(promotion).toMatchObject({
        state: 'queued',
        runAfter: MONDAY_OPENING.toISOString(),
      });
      clock.now = new Date(MONDAY_OPENING.getTime() - 1000);
      await service.sweep();
      expect(applied.calls).toEqual([]);

      clock.now = MONDAY_OPENING;
      await service.sweep();
      await service.idle();
      expect((await store.get(promotion.id))!.state).toBe('succeeded');
      expect(applied.calls).toHaveLength(1);
    });

    it('queues a promotion approved while the window is closed, and runs it when it opens', async () => {
      const clock = { now: TUESDAY_MORNING };
      const { service, store, applied } = await engine_(
        {
          window: WEEKDAYS,
          approval: {
            approvers: [RELEASE_MANAGERS],
            validForSeconds: 7 * 86400,
          },
        },
        { clock },
      );
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      clock.now = FRIDAY_EVENING;
      expect(
        await service.decide(
          { id: promotion.id, decision: 'approve' },
          as(RITA),
        ),
      ).toMatchObject({
        state: 'queued',
        runAfter: MONDAY_OPENING.toISOString(),
      });
      await service.sweep();
      expect(applied.calls).toEqual([]);

      clock.now = MONDAY_OPENING;
      await service.sweep();
      await service.idle();
      expect((await store.get(promotion.id))!.state).toBe('succeeded');
    });

    it('lets a release manager promote outside the window with a written reason, and nobody else', async () => {
      const { service, store, applied, audit } = await engine_(
        { window: WEEKDAYS },
        { clock: { now: FRIDAY_EVENING } },
      );
      await expect(
        service.create(
          {
            entity: ref,
            from: 'dev',
            to: 'staging',
            windowOverrideReason: 'fix for the checkout outage INC-4711',
          },
          as(GUEST),
        ),
      ).rejects.toThrow(NotAllowedError);
      await expect(
        service.create(
          {
            entity: ref,
            from: 'dev',
            to: 'staging',
            windowOverrideReason: 'now',
          },
          as(RITA),
        ),
      ).rejects.toThrow(/at least 10 characters/);
      const { promotion } = await service.create(
        {
          entity: ref,
          from: 'dev',
          to: 'staging',
          windowOverrideReason: 'fix for the checkout outage INC-4711',
        },
        as(RITA),
      );
      await service.idle();
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'succeeded',
        windowOverrideReason: 'fix for the checkout outage INC-4711',
      });
      expect(applied.calls).toHaveLength(1);
      expect(audit.events).toEqual([
        expect.objectContaining({
          eventId: 'promotion-denied',
          actor: GUEST,
          outcome: 'failed',
        }),
        expect.objectContaining({
          eventId: 'promotion-requested',
          actor: RITA,
          outcome: 'failed',
          error: 'A window override reason needs at least 10 characters',
        }),
        expect.objectContaining({
          eventId: 'promotion-requested',
          actor: RITA,
          outcome: 'succeeded',
          meta: expect.objectContaining({ windowOverride: true }),
        }),
        ...['started', 'rolled-out', 'succeeded'].map(step =>
          expect.objectContaining({ eventId: `promotion-${step}` }),
        ),
      ]);
    });

    it('keeps a rejection final: neither a later approval nor the sweep starts it', async () => {
      const { service, store, applied } = await engine_(twoApprovals);
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      await service.decide({ id: promotion.id, decision: 'approve' }, as(RITA));
      await service.decide(
        { id: promotion.id, decision: 'reject', comment: 'wrong build' },
        as(ROB),
      );
      expect(
        await store.claimWaiting(promotion.id, {
          owner: 'other',
          durationMs: 30_000,
        }),
      ).toBe(false);
      await service.sweep();
      await service.idle();
      expect((await store.get(promotion.id))!.state).toBe('rejected');
      expect(applied.calls).toEqual([]);
    });

    it('fails an approved promotion whose gates no longer pass when the approval arrives', async () => {
      const { service, store, applied, traffic } = await engine_({
        approval: { approvers: [RELEASE_MANAGERS] },
      });
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      traffic.errors = 500;
      await service.decide({ id: promotion.id, decision: 'approve' }, as(RITA));
      await service.idle();
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'failed',
        error: expect.stringMatching(/^gates no longer pass: error-rate: fail/),
      });
      expect(applied.calls).toEqual([]);
    });

    it('lets a rollback through: a promotion waiting for approval in that stage ends, with the reason', async () => {
      const { service, store, applied, cluster, notifications } = await engine_(
        {
          approval: { approvers: [RELEASE_MANAGERS], allowRequester: true },
        },
      );
      const first = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(RITA),
      );
      await service.decide(
        { id: first.promotion.id, decision: 'approve' },
        as(RITA),
      );
      await service.idle();
      cluster.runs('dev', 'registry.local/orders:1.4.0');
      const waiting = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      expect(waiting.promotion.state).toBe('awaiting-approval');

      const { promotion: rollback } = await service.rollback(
        { entity: ref, stage: 'staging', reason: 'errors after 1.3.0' },
        as(RITA),
      );
      await service.idle();
      expect(await store.get(waiting.promotion.id)).toMatchObject({
        state: 'failed',
        error: `superseded by a rollback of staging by ${RITA} while it waited`,
      });
      expect((await store.get(rollback.id))!.state).toBe('succeeded');
      expect(applied.calls.map(c => c.image)).toEqual([DEV, STAGING]);
      expect(notifications.sent.at(-2)).toMatchObject({
        to: [GUEST],
        title: 'Promotion failed: orders dev → staging',
      });
    });

    it('honours a window override only in the closed period it was asked in', async () => {
      const clock = { now: FRIDAY_EVENING };
      const { service, store } = await engine_(
        {
          window: WEEKDAYS,
          approval: {
            approvers: [RELEASE_MANAGERS],
            validForSeconds: 7 * 86400,
          },
        },
        { clock },
      );
      const ask = () =>
        service.create(
          {
            entity: ref,
            from: 'dev',
            to: 'staging',
            windowOverrideReason: 'hotfix for the weekend sale INC-99',
          },
          as(RITA),
        );
      // Approved on Saturday: still the closed period of the override, so it runs now.
      const weekend = await ask();
      clock.now = new Date('2026-12-05T10:00:00Z');
      await service.decide(
        { id: weekend.promotion.id, decision: 'approve' },
        as(ROB),
      );
      await service.idle();
      expect((await store.get(weekend.promotion.id))!.state).toBe('succeeded');
    });

    it('queues an overridden promotion approved only after the window opened and closed again', async () => {
      const clock = { now: FRIDAY_EVENING };
      const { service } = await engine_(
        {
          window: WEEKDAYS,
          approval: {
            approvers: [RELEASE_MANAGERS],
            validForSeconds: 7 * 86400,
          },
        },
        { clock },
      );
      const { promotion } = await service.create(
        {
          entity: ref,
          from: 'dev',
          to: 'staging',
          windowOverrideReason: 'hotfix for the weekend sale INC-99',
        },
        as(RITA),
      );
      // Monday 17:00 in Berlin: the window opened at 09:00 and closed at 16:00.
      clock.now = new Date('2026-12-07T16:00:00Z');
      expect(
        await service.decide(
          { id: promotion.id, decision: 'approve' },
          as(ROB),
        ),
      ).toMatchObject({
        state: 'queued',
        runAfter: new Date('2026-12-08T08:00:00Z').toISOString(),
      });
    });

    it('fails an approved promotion whose source changed while it waited, and runs nothing', async () => {
      const { service, store, applied, cluster } = await engine_({
        approval: { approvers: [RELEASE_MANAGERS] },
      });
      const { promotion } = await service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        as(GUEST),
      );
      cluster.runs('dev', 'registry.local/orders:1.4.0');
      await service.decide({ id: promotion.id, decision: 'approve' }, as(RITA));
      await service.idle();
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'failed',
        error: `dev now runs registry.local/orders:1.4.0, not the approved ${DEV}; request it again`,
      });
      expect(applied.calls).toEqual([]);
    });
  },
);
