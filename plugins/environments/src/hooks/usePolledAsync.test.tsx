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
