import '@testing-library/jest-dom';

// jsdom has no layout: recharts' ResponsiveContainer needs a ResizeObserver to exist, not to fire.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
