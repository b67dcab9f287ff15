import '@testing-library/jest-dom';

// CI shares two cores with cluster and build jobs: a full render of the tab can take seconds there.
jest.setTimeout(60_000);

// jsdom has no layout: recharts' ResponsiveContainer needs a ResizeObserver to exist, not to fire.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
