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

/** Where the legacy app mounts the fleet page (a Route in App.tsx, e.g. /environments). */
export const fleetRouteRef = createRouteRef({ id: 'environments-fleet' });

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
    fleet: fleetRouteRef,
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
 * The fleet page: every component by stage, for a `Route` in the legacy App.tsx.
 *
 * @public
 */
export const EnvironmentsFleetPage = environmentsPlugin.provide(
  createRoutableExtension({
    name: 'EnvironmentsFleetPage',
    component: () => import('./components/FleetPage').then(m => m.FleetPage),
    mountPoint: fleetRouteRef,
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
