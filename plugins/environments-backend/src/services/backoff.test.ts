import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the floor up to the ceiling and starts over after a reset', () => {
    const backoff = new Backoff(250, 1_500);
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([
      250, 500, 1_000, 1_500, 1_500,
    ]);
    backoff.reset();
    expect(backoff.next()).toBe(250);
    expect(backoff.next()).toBe(500);
  });
});
