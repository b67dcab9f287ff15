import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef, SignalApi } from '@backstage/plugin-signals-react';
import { TestApiProvider } from '@backstage/test-utils';
import { JsonObject } from '@backstage/types';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { EnvironmentsApi, environmentsApiRef } from '../api';
import { entity } from '../__testUtils__/fixtures';
import { useEnvironmentsStatus } from './useEnvironments';

/** The browser side of signals, in memory: the end-to-end test runs the real one. */
function inMemorySignals() {
  const subscribers = new Map<string, Set<(m: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = subscribers.get(channel) ?? new Set();
      set.add(onMessage as (m: JsonObject) => void);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as never) };
    },
  };
  const push = (channel: string, message: JsonObject) =>
    act(() => subscribers.get(channel)?.forEach(fn => fn(message)));
  return { api, push };
}

function renderStatus(signals?: SignalApi) {
  const getStatus = jest.fn(async () => ({
    entityRef: 'component:default/payments',
    configured: true,
    stages: [],
    generatedAt: new Date().toISOString(),
  }));
  const api = { getStatus } as unknown as EnvironmentsApi;
  const wrapper = ({ children }: { children: ReactNode }) =>
    signals ? (
      <TestApiProvider
        apis={[
          [environmentsApiRef, api],
          [signalApiRef, signals],
        ]}
      >
        <EntityProvider entity={entity()}>{children}</EntityProvider>
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[[environmentsApiRef, api]]}>
        <EntityProvider entity={entity()}>{children}</EntityProvider>
      </TestApiProvider>
    );
  const hook = renderHook(() => useEnvironmentsStatus(), { wrapper });
  return { getStatus, hook };
}

describe('useEnvironmentsStatus', () => {
  it("re-reads the status when the entity's stages change, and only then", async () => {
    const signals = inMemorySignals();
    const { getStatus, hook } = renderStatus(signals.api);
    await waitFor(() => expect(hook.result.current.value).toBeDefined());
    expect(getStatus).toHaveBeenCalledTimes(1);

    signals.push('environments:component:default/other', {
      stages: ['dev'],
      cause: 'cluster',
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(getStatus).toHaveBeenCalledTimes(1);

    signals.push('environments:component:default/payments', {
      stages: ['dev'],
      cause: 'cluster',
    });
    await waitFor(() => expect(getStatus).toHaveBeenCalledTimes(2));
    signals.push('environments:component:default/payments', {
      stages: ['prod'],
      cause: 'promotion',
    });
    await waitFor(() => expect(getStatus).toHaveBeenCalledTimes(3));
  });

  it('works without a signals plugin in the app (it polls)', async () => {
    const { getStatus, hook } = renderStatus();
    await waitFor(() => expect(hook.result.current.value).toBeDefined());
    expect(getStatus).toHaveBeenCalledTimes(1);
  });
});
