import { act, renderHook, waitFor } from '@testing-library/react';
import { usePolledAsync } from './usePolledAsync';

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', {
    configurable: true,
    value: hidden,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('usePolledAsync', () => {
  afterEach(() => setHidden(false));

  it('refreshes on its interval, keeps the last value meanwhile, and pauses while the tab is hidden', async () => {
    let calls = 0;
    const fetcher = jest.fn(async () => {
      calls += 1;
      return calls;
    });
    const { result } = renderHook(() => usePolledAsync(fetcher, [], 40));
    await waitFor(() => expect(result.current.value).toBeGreaterThanOrEqual(3));

    act(() => setHidden(true));
    const whenHidden = fetcher.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 200));
    // at most one request that was already in flight when the tab was hidden
    expect(fetcher.mock.calls.length).toBeLessThanOrEqual(whenHidden + 1);
    expect(result.current.value).toBeDefined();

    const beforeShown = fetcher.mock.calls.length;
    act(() => setHidden(false));
    // shown again: refreshed at once, without waiting for the interval
    await waitFor(() =>
      expect(fetcher.mock.calls.length).toBeGreaterThan(beforeShown),
    );
  });
});

describe('usePolledAsync with pushed changes', () => {
  it('reads again after the read in flight when a change arrives during it', async () => {
    const resolvers: Array<(n: number) => void> = [];
    const fetcher = jest.fn(
      () => new Promise<number>(resolve => resolvers.push(resolve)),
    );
    const { result, rerender } = renderHook(
      ({ signal }: { signal: number }) =>
        usePolledAsync(fetcher, [], 60_000, signal),
      { initialProps: { signal: 0 } },
    );
    expect(fetcher).toHaveBeenCalledTimes(1);
    // the change arrives while the first read is still in flight
    rerender({ signal: 1 });
    expect(fetcher).toHaveBeenCalledTimes(1);
    await act(async () => resolvers[0](1));
    // the first read may predate the change: it is read again
    await waitFor(() => expect(fetcher).toHaveBeenCalledTimes(2));
    await act(async () => resolvers[1](2));
    await waitFor(() => expect(result.current.value).toBe(2));
    // and a change with nothing in flight reads at once
    rerender({ signal: 2 });
    await waitFor(() => expect(fetcher).toHaveBeenCalledTimes(3));
  });
});
