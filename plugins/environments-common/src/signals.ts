/**
 * What the backend pushes through Backstage's signals when a stage changes. The message only says
 * what to re-read: every read still goes through the routes and their permission checks.
 *
 * @public
 */
export type EnvironmentsSignal = {
  /** The stages whose status or promotions changed. */
  stages: string[];
  /** What changed: the workloads in the cluster, or a promotion's state. */
  cause: 'cluster' | 'promotion';
};

/**
 * The signal channel of one entity's stages, e.g. `environments:component:default/petstore`.
 *
 * @public
 */
export function entitySignalChannel(entityRef: string): string {
  return `environments:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * The channel the fleet page listens on: one coalesced signal for any change in any stage.
 *
 * @public
 */
export const FLEET_SIGNAL_CHANNEL = 'environments:fleet';
