import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EnvironmentsClient, environmentsApiRef } from './api';
import { isEnvironmentsAvailable } from './isEnvironmentsAvailable';

const environmentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
});

const entityEnvironmentsContent = EntityContentBlueprint.make({
  name: 'environments',
  params: {
    path: '/environments',
    title: 'Environments',
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EntityEnvironmentsContent').then(m => (
        <m.EntityEnvironmentsContent />
      )),
  },
});

const entityEnvironmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EntityEnvironmentsCard').then(m => (
        <m.EntityEnvironmentsCard />
      )),
  },
});

/** The fleet page; a page needs a route ref to be listed in the app's navigation. */
const fleetRouteRef = createRouteRef();

const fleetPage = PageBlueprint.make({
  name: 'fleet',
  params: {
    path: '/environments',
    routeRef: fleetRouteRef,
    title: 'Environments',
    icon: <CloudQueueIcon />,
    loader: () => import('./components/FleetPage').then(m => <m.FleetPage />),
  },
});

/**
 * The environments plugin for the new frontend system: an Environments tab and an overview card on
 * component entity pages, and the fleet page at /environments (in the sidebar). The package's default
 * export; legacy apps use `environmentsPlugin`.
 *
 * @public
 */
export const environmentsFrontendPlugin = createFrontendPlugin({
  pluginId: 'environments',
  title: 'Environments',
  routes: { fleet: fleetRouteRef },
  extensions: [
    environmentsApi,
    entityEnvironmentsContent,
    entityEnvironmentsCard,
    fleetPage,
  ],
});
