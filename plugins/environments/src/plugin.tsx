import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { Entity } from '@backstage/catalog-model';

/** The tab is offered on every component; an unannotated one gets instructions rather than no tab. */
export const isComponent = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component';

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

/**
 * The environments plugin: an Environments tab on component entity pages.
 *
 * @public
 */
export const environmentsPlugin = createFrontendPlugin({
  pluginId: 'environments',
  title: 'Environments',
  extensions: [entityEnvironmentsContent],
});
