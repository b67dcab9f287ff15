import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { environmentsApiRef, MetricsRange } from '../api';
import { WAITING_STATES } from '../components/PromoteDialog/usePromotionProgress';
import { usePolledAsync } from './usePolledAsync';
import { useEntitySignal } from './useLiveSignal';

/**
 * Poll intervals without pushed changes (no signals plugin in the app): the backend answers from
 * watch-fed caches, so status can be polled often; approvals come from people and windows change on
 * the hour, so those are read less often. With signals, status, checklist and promotions are re-read
 * on each pushed change and polled only as a safety net.
 */
export const POLL_INTERVALS_MS = {
  status: 5_000,
  checklist: 15_000,
  waitingPromotions: 15_000,
  metrics: 30_000,
  governance: 60_000,
} as const;

/**
 * How many of the newest promotions are searched for waiting ones. A waiting promotion holds its
 * stage, so only promotions into other stages can push it further down the history.
 */
const WAITING_SEARCH_LIMIT = 50;

function useEntityRef() {
  const { entity } = useEntity();
  const ref = getCompoundEntityRef(entity);
  return { ref, key: stringifyEntityRef(ref) };
}

/**
 * The status of every stage of the current entity, re-read on each pushed change and refreshed while
 * the tab is visible.
 */
export function useEnvironmentsStatus() {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  const live = useEntitySignal(key, POLL_INTERVALS_MS.status);
  return usePolledAsync(
    () => api.getStatus(ref),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
    live.intervalMs,
    live.lastSignal,
  );
}

/** The verification checklist of every stage. */
export function useChecklist() {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  const live = useEntitySignal(key, POLL_INTERVALS_MS.checklist);
  return usePolledAsync(
    () => api.getChecklist(ref),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
    live.intervalMs,
    live.lastSignal,
  );
}

/** Whether each stage runs what was last promoted there; re-read with the status. */
export function useDrift() {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  const live = useEntitySignal(key, POLL_INTERVALS_MS.checklist);
  return usePolledAsync(
    // async, so even an API without this method only leaves drift out
    async () => api.getDrift(ref),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
    live.intervalMs,
    live.lastSignal,
  );
}

/** The metrics of one stage over the chosen range. */
export function useStageMetrics(stage: string, range: MetricsRange) {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  return usePolledAsync(
    () => api.getMetrics(ref, { range, stage }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key, stage, range],
    POLL_INTERVALS_MS.metrics,
  );
}

/** Each stage's approval policy and deploy window (the same for every entity). */
export function useStageGovernance() {
  const api = useApi(environmentsApiRef);
  return usePolledAsync(
    // async, so even an API without this method only degrades the cards
    async () => api.getStageGovernance(),
    [api],
    POLL_INTERVALS_MS.governance,
  );
}

/** The promotions waiting for approvals or a deploy window, the newest per target stage. */
export function useWaitingPromotions() {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  const live = useEntitySignal(key, POLL_INTERVALS_MS.waitingPromotions);
  const promotionSignal =
    live.lastSignal?.cause === 'promotion' ? live.lastSignal : undefined;
  return usePolledAsync(
    async () => {
      const { items } = await api.listPromotions(ref, {
        limit: WAITING_SEARCH_LIMIT,
        offset: 0,
      });
      const waiting = items.filter(p => WAITING_STATES.includes(p.state));
      // newest first: the first one per stage wins
      return waiting.filter(
        (p, i) => waiting.findIndex(q => q.to === p.to) === i,
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
    // waiting ends by people's decisions, which the cluster does not show: keep the usual interval
    POLL_INTERVALS_MS.waitingPromotions,
    promotionSignal,
  );
}
