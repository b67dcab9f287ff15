import { isErrorLine } from './logReader';

describe('isErrorLine', () => {
  it.each([
    ['{"level":50,"msg":"boom"}', true],
    ['{"level":60,"msg":"fatal"}', true],
    ['{"level":40,"msg":"warn"}', false],
    ['{"level":"error","msg":"x"}', true],
    ['{"level":"info","msg":"user ERROR in message"}', false],
    ['2024-01-01 ERROR something', true],
    ['all good, no errors here', false],
  ])('%s → %s', (line, expected) => expect(isErrorLine(line)).toBe(expected));
});
