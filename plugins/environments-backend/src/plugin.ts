import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './router';

/**
 * The environments backend plugin: per-stage status, checklist, metrics and promotion of catalog entities.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ httpRouter, logger }) {
        httpRouter.use(await createRouter({ logger }));
        // Liveness of the plugin is public on purpose: load balancers and the CLI probe it without a token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
