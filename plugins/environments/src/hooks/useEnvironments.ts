import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { environmentsApiRef, MetricsRange } from '../api';
import { usePolledAsync } from './usePolledAsync';

/** Poll intervals: the backend answers from watch-fed caches, so status can be polled often. */
export const POLL_INTERVALS_MS = {
  status: 5_000,
  checklist: 15_000,
  metrics: 30_000,
} as const;

function useEntityRef() {
  const { entity } = useEntity();
  const ref = getCompoundEntityRef(entity);
  return { ref, key: `${ref.kind}:${ref.namespace}/${ref.name}` };
}

/** The status of every stage of the current entity, refreshed while the tab is visible. */
export function useEnvironmentsStatus() {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return usePolledAsync(
    () => api.getStatus(ref),
    [api, key],
    POLL_INTERVALS_MS.status,
  );
}

/** The verification checklist of every stage. */
export function useChecklist() {
  const api = useApi(environmentsApiRef);
  const { ref, key } = useEntityRef();
  return usePolledAsync(
    () => api.getChecklist(ref),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
    POLL_INTERVALS_MS.checklist,
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
