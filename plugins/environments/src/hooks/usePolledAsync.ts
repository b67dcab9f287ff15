import { DependencyList, useEffect, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { usePageVisible } from './usePageVisible';

/**
 * useAsyncRetry that re-runs every `intervalMs` while the page is visible, at once when it becomes
 * visible again, and whenever `refreshOn` changes (a pushed signal). The previous value stays in place
 * while a refresh is in flight, so cards do not flash a spinner on every poll.
 */
export function usePolledAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
  intervalMs: number,
  refreshOn?: unknown,
) {
  const state = useAsyncRetry(fn, deps);
  const visible = usePageVisible();
  const { retry, loading } = state;

  // A change pushed while a read is in flight must not be lost: that read may have started before
  // the change (useAsyncRetry ignores a retry while loading), so read again once it is done.
  const changedWhileLoading = useRef(false);
  const lastRefresh = useRef(refreshOn);
  useEffect(() => {
    if (lastRefresh.current === refreshOn) return;
    lastRefresh.current = refreshOn;
    if (loading) changedWhileLoading.current = true;
    else retry();
  }, [refreshOn, retry, loading]);
  useEffect(() => {
    if (!loading && changedWhileLoading.current) {
      changedWhileLoading.current = false;
      retry();
    }
  }, [loading, retry]);

  useEffect(() => {
    if (!visible || intervalMs <= 0) return undefined;
    const timer = setInterval(retry, intervalMs);
    return () => clearInterval(timer);
  }, [visible, intervalMs, retry]);

  // Catch up as soon as the tab is shown again (the first load is useAsyncRetry's own).
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current) retry();
    wasVisible.current = visible;
  }, [visible, retry]);

  return state;
}
