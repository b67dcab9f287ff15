import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  PromotionPreview,
  StageStatus,
} from '@envportal/plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

/**
 * The backend's verdict (permission, policy) for each neighbouring pair of stages, so a promote button
 * can be disabled with the real reason before anyone clicks. Re-asked only when an image changes, not
 * on every status poll: previews evaluate gates and are not free.
 */
export function usePromotionPreviews(stages: StageStatus[]) {
  const api = useApi(environmentsApiRef);
  const { entity } = useEntity();
  const pairs = stages.slice(1).map((to, i) => ({ from: stages[i], to }));
  const key = pairs
    .map(
      ({ from, to }) =>
        `${from.stage}=${from.workload?.image ?? ''}>${to.stage}=${
          to.workload?.image ?? ''
        }`,
    )
    .join('|');

  const { value } = useAsync(async () => {
    const entityRef = getCompoundEntityRef(entity);
    const entries = await Promise.all(
      pairs
        .filter(({ from }) => from.workload)
        .map(async ({ from, to }) => {
          try {
            const preview = await api.previewPromotion(entityRef, {
              from: from.stage,
              to: to.stage,
            });
            return [`${from.stage}>${to.stage}`, preview] as [
              string,
              PromotionPreview,
            ];
          } catch {
            // The dialog asks again and shows the error; the button stays usable.
            return undefined;
          }
        }),
    );
    return new Map(
      entries.filter(
        (entry): entry is [string, PromotionPreview] => entry !== undefined,
      ),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entity, key]);

  return (from: string, to: string) => value?.get(`${from}>${to}`);
}
