import { createInputMemo } from './inputMemo';

describe('createInputMemo', () => {
  it('hands out the same value while the inputs are the same, and recomputes when one changes', () => {
    const remember = createInputMemo<{ n: number }>(10);
    let computed = 0;
    const compute = () => ({ n: ++computed });
    const health = { live: 'pass' };
    const first = remember('a', [1, health], compute);
    expect(remember('a', [1, health], compute)).toBe(first);
    // a new object with the same content is another input: identity is the contract
    expect(remember('a', [1, { live: 'pass' }], compute)).not.toBe(first);
    expect(remember('a', [2, health], compute).n).toBe(3);
    expect(remember('a', [2, health, 'x'], compute).n).toBe(4);
    expect(remember('b', [2, health, 'x'], compute).n).toBe(5);
  });

  it('forgets the least recently computed key first', () => {
    const remember = createInputMemo<number>(2);
    let computed = 0;
    remember('a', [], () => ++computed);
    remember('b', [], () => ++computed);
    remember('c', [], () => ++computed);
    expect(remember('b', [], () => ++computed)).toBe(2);
    expect(remember('a', [], () => ++computed)).toBe(4);
  });
});
