import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, ws } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import App from './App';

const appDir = path.resolve(__dirname, '..');

/**
 * What the CLI's bundler does for `app.packages`: every dependency of the app whose role is a
 * frontend plugin or module, with its ./alpha entry point if it has one, is handed to createApp,
 * which keeps those the config lets in.
 */
function exposeDiscoverablePackages() {
  const { dependencies } = JSON.parse(
    fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'),
  );
  const modules = Object.keys(dependencies).flatMap(name => {
    let manifest;
    try {
      manifest = require(`${name}/package.json`);
    } catch {
      // As the bundler does: a package whose manifest cannot be read is no plugin.
      return [];
    }
    const role = manifest.backstage?.role ?? '';
    if (!['frontend-plugin', 'frontend-plugin-module'].includes(role)) {
      return [];
    }
    const entry = [{ name, default: require(name).default }];
    if (manifest.exports && './alpha' in manifest.exports) {
      entry.push({ name, default: require(`${name}/alpha`).default });
    }
    return entry;
  });
  (window as any)['__@backstage/discovered__'] = { modules };
}

/** The repository's app-config.yaml; the served app gets its `app` section and the backend URL. */
const appConfig = yaml.parse(
  fs.readFileSync(path.join(appDir, '../../app-config.yaml'), 'utf8'),
);
const backend = appConfig.backend.baseUrl;

const GUEST = 'user:development/guest';
const orders = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const base64url = (value: object) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** The backend as the app talks to it: a guest session, the catalog and the environments plugin. */
const server = setupServer(
  http.get(`${backend}/api/auth/guest/refresh`, () =>
    HttpResponse.json({
      profile: { displayName: 'Guest' },
      backstageIdentity: {
        token: `${base64url({ alg: 'none' })}.${base64url({
          sub: GUEST,
          exp: Math.floor(Date.now() / 1000) + 3600,
        })}.`,
        identity: {
          type: 'user',
          userEntityRef: GUEST,
          ownershipEntityRefs: [GUEST],
        },
      },
    }),
  ),
  http.get(
    `${backend}/api/catalog/entities/by-name/component/default/orders`,
    () => HttpResponse.json(orders),
  ),
  http.get(
    `${backend}/api/catalog/entities/by-name/component/default/orders/ancestry`,
    () =>
      HttpResponse.json({
        rootEntityRef: 'component:default/orders',
        items: [{ entity: orders, parentEntityRefs: [] }],
      }),
  ),
  http.post(`${backend}/api/catalog/entities/by-refs`, async ({ request }) => {
    const { entityRefs } = (await request.json()) as { entityRefs: string[] };
    return HttpResponse.json({ items: entityRefs.map(() => null) });
  }),
  http.post(`${backend}/api/user-settings/multiget`, async ({ request }) => {
    const { items } = (await request.json()) as { items: unknown[] };
    return HttpResponse.json({ items: items.map(() => null) });
  }),
  http.get(`${backend}/api/notifications/status`, () =>
    HttpResponse.json({ unread: 0, read: 0 }),
  ),
  http.get(
    `${backend}/api/environments/entities/:kind/default/orders/status`,
    () =>
      HttpResponse.json({
        entityRef: 'component:default/orders',
        configured: true,
        generatedAt: new Date().toISOString(),
        stages: [
          {
            stage: 'dev',
            cluster: 'local',
            namespace: 'dev',
            state: 'not-found',
            pods: [],
            events: [],
            stale: false,
          },
        ],
      }),
  ),
  // The signals channel opens; nothing is pushed through it.
  ws
    .link(`${backend.replace(/^http/, 'ws')}/api/signals`)
    .addEventListener('connection', () => undefined),
);
registerMswTestHooks(server);

describe('App', () => {
  beforeAll(() => {
    exposeDiscoverablePackages();
    // How the app backend hands the served app its config.
    const script = document.createElement('script');
    script.type = 'backstage.io/config';
    script.textContent = JSON.stringify([
      {
        context: 'app-config.yaml',
        data: { app: appConfig.app, backend: { baseUrl: backend } },
      },
    ]);
    document.head.appendChild(script);
  });

  it('lets a guest sign in and shows the Environments tab and card on a service page', async () => {
    window.history.pushState({}, '', '/catalog/default/component/orders');
    render(App.createRoot());

    expect(
      await screen.findByRole(
        'heading',
        { level: 1, name: 'Environment Portal' },
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Guest')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Enter' }));

    const tabs = await screen.findByRole(
      'navigation',
      { name: 'Content navigation' },
      { timeout: 20_000 },
    );
    expect(
      within(tabs).getByRole('link', { name: 'Environments' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders/environments');
    expect(
      await screen.findByText('dev: not deployed', undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
  }, 60_000);
});
