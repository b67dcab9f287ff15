import { useApi } from '@backstage/frontend-plugin-api';
import { FLEET_SIGNAL_CHANNEL } from '@envportal/plugin-environments-common';
import { environmentsApiRef } from '../api';
import { useLiveSignal } from './useLiveSignal';
import { usePolledAsync } from './usePolledAsync';

/** Without signals the fleet is re-read this often; with them, on each (coalesced) pushed change. */
export const FLEET_POLL_MS = 15_000;

/** Every component by stage, re-read when any stage changes. */
export function useFleet() {
  const api = useApi(environmentsApiRef);
  const live = useLiveSignal(FLEET_SIGNAL_CHANNEL, FLEET_POLL_MS);
  return usePolledAsync(
    () => api.getFleet(),
    [api],
    live.intervalMs,
    live.lastSignal,
  );
}
