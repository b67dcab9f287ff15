import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { EnvironmentsClient, environmentsApiRef } from './api';

/** Where the legacy app mounts the Environments tab (EntityLayout.Route's path). */
export const rootRouteRef = createRouteRef({ id: 'environments' });

/**
 * The environments plugin for the legacy frontend system (`createApp` from `@backstage/app-defaults`).
 * New-system apps use the package's default export instead.
 *
 * @public
 */
export const environmentsPlugin = createPlugin({
  id: 'environments',
  apis: [
    createApiFactory({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    entityContent: rootRouteRef,
  },
});

/**
 * The Environments tab of a component, for an `EntityLayout.Route` in the legacy EntityPage.
 *
 * @public
 */
export const EntityEnvironmentsContent = environmentsPlugin.provide(
  createRoutableExtension({
    name: 'EntityEnvironmentsContent',
    component: () =>
      import('./components/EntityEnvironmentsContent').then(
        m => m.EntityEnvironmentsContent,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview card, one line per stage, for the legacy EntityPage's overview grid.
 *
 * @public
 */
export const EntityEnvironmentsCard = environmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsCard',
    component: {
      lazy: () =>
        import('./components/EntityEnvironmentsCard').then(
          m => m.EntityEnvironmentsCard,
        ),
    },
  }),
);
