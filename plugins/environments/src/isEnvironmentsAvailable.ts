import { Entity } from '@backstage/catalog-model';

/**
 * Whether an entity gets the Environments tab and card: every component does, so an unannotated one
 * shows which annotation to add instead of hiding the tab.
 * @public
 */
export const isEnvironmentsAvailable = (entity: Entity): boolean =>
  entity.kind.toLocaleLowerCase('en-US') === 'component';
