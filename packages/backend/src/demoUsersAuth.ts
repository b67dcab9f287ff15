import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The header that names the demo user to sign in as (a catalog User in the default namespace). */
export const DEMO_USER_HEADER = 'x-envportal-demo-user';

const USER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Test-only sign-in as any demo user of the catalog (e.g. `rita` of release-managers), so a browser
 * test can act as a second person: `GET /api/auth/demo-user/refresh` with the header
 * {@link DEMO_USER_HEADER}. It trusts the header, so the backend adds it only with
 * `ENVPORTAL_DEMO_USERS=1`, it is active only when `auth.providers.demo-user` is configured (the
 * end-to-end stage's config, never app-config.yaml), refuses to start outside
 * `auth.environment: development`, and answers loopback callers only.
 */
export const demoUsersAuthModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-users',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        if (!config.has('auth.providers.demo-user')) return;
        const environment = config.getOptionalString('auth.environment');
        if (environment !== 'development') {
          throw new Error(
            `auth.providers.demo-user signs in anyone who sends a header; it is for tests in auth.environment "development", not "${environment}"`,
          );
        }
        providers.registerProvider({
          providerId: 'demo-user',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { name: string }) => ({
                profile: { displayName: result.name },
              }),
              initialize: () => undefined,
              async authenticate({ req }) {
                if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
                  throw new AuthenticationError(
                    'demo-user sign-in answers loopback callers only',
                  );
                }
                const name = req.header(DEMO_USER_HEADER) ?? '';
                if (!USER_NAME.test(name)) {
                  throw new AuthenticationError(
                    `${DEMO_USER_HEADER} must name a demo user`,
                  );
                }
                return { result: { name } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: {
                  kind: 'User',
                  namespace: 'default',
                  name: result.name,
                },
              }),
          }),
        });
      },
    });
  },
});
