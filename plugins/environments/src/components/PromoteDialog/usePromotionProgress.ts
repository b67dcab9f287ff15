import { useApi } from '@backstage/frontend-plugin-api';
import {
  Promotion,
  PromotionState,
} from '@envportal/plugin-environments-common';
import { useEffect, useState } from 'react';
import { environmentsApiRef } from '../../api';

export const TERMINAL_STATES: readonly PromotionState[] = [
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'expired',
];

/** States that wait for people or a deploy window, for hours perhaps: not worth a 1 s poll. */
export const WAITING_STATES: readonly PromotionState[] = [
  'awaiting-approval',
  'queued',
];

/** How often a running promotion is re-read: rollouts on the local cluster finish in seconds. */
export const PROGRESS_POLL_MS = 1_000;

/**
 * Follows one promotion until it reaches a terminal state or starts waiting (the stage card follows it
 * from there). Errors of single polls are kept but do not stop the polling: a blip of the backend must
 * not leave the dialog frozen mid-rollout.
 */
export function usePromotionProgress(initial: Promotion | undefined) {
  const api = useApi(environmentsApiRef);
  const [promotion, setPromotion] = useState<Promotion | undefined>(initial);
  const [error, setError] = useState<Error | undefined>();

  useEffect(() => setPromotion(initial), [initial]);

  const id = promotion?.id;
  const done = promotion ? TERMINAL_STATES.includes(promotion.state) : false;
  const waiting = promotion ? WAITING_STATES.includes(promotion.state) : false;
  useEffect(() => {
    if (!id || done || waiting) return undefined;
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const next = await api.getPromotion(id);
        if (!cancelled) {
          setPromotion(next);
          setError(undefined);
        }
      } catch (e) {
        if (!cancelled) {
          setError(e as Error);
          // a new object re-arms the timer for another try
          setPromotion(current => (current ? { ...current } : current));
        }
      }
    }, PROGRESS_POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, id, done, waiting, promotion]);

  return { promotion, error, done, waiting };
}
