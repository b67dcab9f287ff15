import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EnvironmentsClient, environmentsApiRef } from './api';

/** The tab is offered on every component; an unannotated one gets instructions rather than no tab. */
export const isComponent = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component';

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
    filter: isComponent,
    loader: () =>
      import('./components/EntityEnvironmentsContent').then(m => (
        <m.EntityEnvironmentsContent />
      )),
  },
});

const entityEnvironmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isComponent,
    loader: () =>
      import('./components/EntityEnvironmentsCard').then(m => (
        <m.EntityEnvironmentsCard />
      )),
  },
});

/**
 * The environments plugin: an Environments tab and an overview card on component entity pages.
 *
 * @public
 */
export const environmentsPlugin = createFrontendPlugin({
  pluginId: 'environments',
  title: 'Environments',
  extensions: [
    environmentsApi,
    entityEnvironmentsContent,
    entityEnvironmentsCard,
  ],
});
