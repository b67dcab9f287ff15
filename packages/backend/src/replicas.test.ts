/*
 * The portal as two replicas: two backend processes on one PostgreSQL and the local cluster, started
 * by scripts/test.d/74-replicas.sh, which also deploys the demo (real service processes and
 * Prometheus behind dev and staging). This suite talks to both over HTTP as the guest, reads the
 * promotions table, stops and starts replicas through the stage's control script, and checks what
 * the cluster did.
 */
import { entitySignalChannel } from '@envportal/plugin-environments-common';
import { describeWhenAvailable } from '@envportal/test-utils';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import request from 'supertest';

const env = process.env;
const A = env.ENVPORTAL_REPLICAS_A;
const B = env.ENVPORTAL_REPLICAS_B;
const available = Boolean(A && B && env.ENVPORTAL_REPLICAS_PG);
const LEASE_SECONDS = Number(env.ENVPORTAL_REPLICAS_LEASE_SECONDS ?? 30);

type Row = {
  id: string;
  state: string;
  owner_id: string | null;
  lease_expires_at: Date | null;
};

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

describeWhenAvailable(
  'two replicas on one database',
  {
    available,
    needs:
      'two backend replicas on one PostgreSQL (ENVPORTAL_REPLICAS_*; scripts/test.d/74-replicas.sh starts them)',
  },
  () => {
    jest.setTimeout(900_000);
    const auth = `Bearer ${env.ENVPORTAL_REPLICAS_TOKEN}`;
    const db = new Client({ connectionString: env.ENVPORTAL_REPLICAS_PG });
    const ctl = (...args: string[]) =>
      execFileSync(env.ENVPORTAL_REPLICAS_CTL!, args, {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 300_000,
      });
    const kubectl = (...args: string[]) =>
      execFileSync(
        `${env.ENVPORTAL_BIN ?? `${env.HOME}/.cache/envportal/bin`}/kubectl`,
        args,
        {
          encoding: 'utf8',
          env: { ...env, KUBECONFIG: env.ENVPORTAL_REPLICAS_KUBECONFIG },
        },
      );
    const deployment = (ns: string, name: string) =>
      JSON.parse(kubectl('-n', ns, 'get', 'deploy', name, '-o', 'json'));
    const revision = (ns: string, name: string) =>
      Number(
        deployment(ns, name).metadata.annotations[
          'deployment.kubernetes.io/revision'
        ],
      );
    const image = (ns: string, name: string) =>
      deployment(ns, name).spec.template.spec.containers[0].image as string;
    const row = async (id: string): Promise<Row> =>
      (
        await db.query<Row>(
          'select id, state, owner_id, lease_expires_at from environments_promotions where id = $1',
          [id],
        )
      ).rows[0];
    const entityPath = (name: string) =>
      `/api/environments/entities/component/default/${name}`;
    const preview = async (base: string, name: string) =>
      (
        await request(base)
          .post(`${entityPath(name)}/promotions/preview`)
          .set('Authorization', auth)
          .send({ from: 'dev', to: 'staging' })
      ).body;
    const promote = (base: string, name: string) =>
      request(base)
        .post(`${entityPath(name)}/promotions`)
        .set('Authorization', auth)
        .send({ from: 'dev', to: 'staging' });
    /** What a browser connected to one replica is pushed on one channel (the signals WebSocket). */
    const signalsOf = async (base: string, channel: string) => {
      const received: Array<{ stages: string[]; cause: string }> = [];
      const socket = new WebSocket(
        `${base.replace(/^http/, 'ws')}/api/signals`,
        [env.ENVPORTAL_REPLICAS_TOKEN!],
      );
      await new Promise<void>((resolve, reject) => {
        socket.onopen = () => resolve();
        socket.onerror = () => reject(new Error(`no signals from ${base}`));
      });
      socket.onmessage = event => {
        const data = JSON.parse(String(event.data));
        if (data.channel === channel) received.push(data.message);
      };
      socket.send(JSON.stringify({ action: 'subscribe', channel }));
      return { received, close: () => socket.close() };
    };
    /** A new version in dev, and the wait until the portal can promote it. */
    const newVersionInDev = async (name: string, tag: string) => {
      const { name: container, image: current } = deployment('dev', name).spec
        .template.spec.containers[0];
      const repository = current.slice(0, current.lastIndexOf(':'));
      kubectl(
        '-n',
        'dev',
        'set',
        'image',
        `deploy/${name}`,
        `${container}=${repository}:${tag}`,
      );
      await until(
        `${name} ${tag} promotable`,
        240_000,
        async () => {
          const p = await preview(A!, name);
          return p.source?.version === tag && p.gatesPassed && !p.blockedReason
            ? true
            : undefined;
        },
        2000,
      );
    };
    const finished = async (id: string) => {
      try {
        return await until(`promotion ${id} finished`, 300_000, async () => {
          const r = await row(id);
          return ['succeeded', 'failed', 'rolled-back'].includes(r.state)
            ? r
            : undefined;
        });
      } catch (error) {
        // Where it stands says who holds it: a live owner, a lease nobody renews, or nobody.
        const {
          state,
          owner_id: owner,
          lease_expires_at: lease,
        } = await row(id);
        throw new Error(
          `${
            (error as Error).message
          }; still ${state}, owner ${owner}, lease until ${lease?.toISOString()} (now ${new Date().toISOString()})`,
        );
      }
    };

    beforeAll(async () => {
      await db.connect();
      // Both services' gates need some minutes of traffic in Prometheus first.
      for (const name of ['express-service', 'express-service-b']) {
        await until(
          `${name} promotable`,
          300_000,
          async () => {
            const p = await preview(A!, name);
            return p.gatesPassed ? true : undefined;
          },
          3000,
        );
      }
    });
    afterAll(async () => {
      await db.end();
    });

    it('20 concurrent requests over both replicas give exactly one rollout; the others get 409 with its id', async () => {
      const before = revision('staging', 'express-service');
      // A browser on each replica: the promotion runs on one, and both must hear of its progress.
      const channel = entitySignalChannel('component:default/express-service');
      const browsers = [
        await signalsOf(A!, channel),
        await signalsOf(B!, channel),
      ];
      try {
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            promote(i % 2 ? B! : A!, 'express-service'),
          ),
        );
        const created = responses.filter(r => r.status === 201);
        const conflicts = responses.filter(r => r.status === 409);
        expect(created).toHaveLength(1);
        expect(conflicts).toHaveLength(19);
        const id = created[0].body.id;
        expect(new Set(conflicts.map(r => r.body.runningPromotionId))).toEqual(
          new Set([id]),
        );
        expect((await finished(id)).state).toBe('succeeded');
        expect(revision('staging', 'express-service')).toBe(before + 1);
        // Promotion signals come from the replica that wrote the change; the other relays them from the
        // database's notifications (cluster changes each replica sees itself, so they prove nothing here).
        for (const browser of browsers) {
          await until('a promotion signal on both replicas', 5000, async () =>
            browser.received.some(
              m => m.cause === 'promotion' && m.stages.includes('staging'),
            )
              ? true
              : undefined,
          );
        }
      } finally {
        for (const browser of browsers) browser.close();
      }
    });

    it('a replica killed mid-rollout has its promotion finished by the other within the lease plus 10 s', async () => {
      await newVersionInDev('express-service', '1.3.0');
      const before = revision('staging', 'express-service');
      const res = await promote(A!, 'express-service');
      expect(res.status).toBe(201);
      const id: string = res.body.id;
      const owner = await until(
        'the rollout to start',
        60_000,
        async () => {
          const r = await row(id);
          return r.state === 'running' ? r.owner_id : undefined;
        },
        100,
      );
      ctl('stop', 'a', 'KILL');
      const killedAt = Date.now();
      const taker = await until(
        'a takeover',
        (LEASE_SECONDS + 30) * 1000,
        async () => {
          const r = await row(id);
          return r.owner_id !== owner ? r.owner_id : undefined;
        },
        200,
      );
      const takeoverMs = Date.now() - killedAt;
      // eslint-disable-next-line no-console
      console.log(
        `MEASURE takeover ${takeoverMs} ms after SIGKILL (lease ${LEASE_SECONDS} s), by ${taker}`,
      );
      expect(takeoverMs).toBeLessThanOrEqual((LEASE_SECONDS + 10) * 1000);
      const done = await finished(id);
      expect(done.state).toBe('succeeded');
      // The cluster and the row agree, and the change was made once.
      expect(image('staging', 'express-service')).toBe(res.body.imageAfter);
      expect(revision('staging', 'express-service')).toBe(before + 1);
      ctl('start', 'a');
    });

    it('a rolling restart during two running promotions leaves none stuck and runs none twice', async () => {
      await newVersionInDev('express-service', '1.4.0');
      await newVersionInDev('express-service-b', '1.3.0');
      const before = {
        a: revision('staging', 'express-service'),
        b: revision('staging', 'express-service-b'),
      };
      const first = await promote(A!, 'express-service');
      const second = await promote(B!, 'express-service-b');
      expect([first.status, second.status]).toEqual([201, 201]);
      const ids = [first.body.id as string, second.body.id as string];
      await until(
        'both to run',
        60_000,
        async () => {
          const states = await Promise.all(
            ids.map(async id => (await row(id)).state),
          );
          return states.every(s => s === 'running' || s === 'verifying')
            ? true
            : undefined;
        },
        200,
      );
      // A rolling update: one replica at a time goes away cleanly and comes back.
      ctl('stop', 'a');
      ctl('start', 'a');
      ctl('stop', 'b');
      ctl('start', 'b');
      const done = await Promise.all(ids.map(finished));
      expect(done.map(r => r.state)).toEqual(['succeeded', 'succeeded']);
      expect(revision('staging', 'express-service')).toBe(before.a + 1);
      expect(revision('staging', 'express-service-b')).toBe(before.b + 1);
      const active = await db.query(
        'select id from environments_promotions where in_flight_key is not null',
      );
      expect(active.rows).toEqual([]);
    });

    it('both replicas answer status and history alike', async () => {
      const strip = (status: { stages: Array<Record<string, unknown>> }) =>
        status.stages.map(
          ({ observedAt: _o, dataAgeSeconds: _d, ...rest }) => rest,
        );
      const [statusA, statusB, historyA, historyB] = await Promise.all([
        request(A!)
          .get(`${entityPath('express-service')}/status`)
          .set('Authorization', auth),
        request(B!)
          .get(`${entityPath('express-service')}/status`)
          .set('Authorization', auth),
        request(A!)
          .get(`${entityPath('express-service')}/promotions`)
          .set('Authorization', auth),
        request(B!)
          .get(`${entityPath('express-service')}/promotions`)
          .set('Authorization', auth),
      ]);
      expect(statusA.status).toBe(200);
      expect(strip(statusB.body)).toEqual(strip(statusA.body));
      expect(historyA.body.total).toBeGreaterThanOrEqual(3);
      expect(historyB.body).toEqual(historyA.body);
    });
  },
);
