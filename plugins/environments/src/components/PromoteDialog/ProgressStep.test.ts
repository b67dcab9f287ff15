import { promotion } from '../../__testUtils__/fixtures';
import { describePromotion } from './ProgressStep';

describe('describePromotion', () => {
  it('says a running promotion is rolling back, and why, once its rollback started', () => {
    const rollback = {
      reason: 'progress deadline exceeded',
      at: '2026-11-30T10:00:00Z',
    };
    expect(describePromotion(promotion({ state: 'running' }))).toEqual({
      tone: 'running',
      text: 'Rolling out',
    });
    expect(
      describePromotion(promotion({ state: 'running', rollback })),
    ).toEqual({
      tone: 'error',
      text: 'Rolling back: progress deadline exceeded',
    });
    expect(
      describePromotion(promotion({ state: 'verifying', rollback })),
    ).toEqual({
      tone: 'error',
      text: 'Rolling back: progress deadline exceeded',
    });
  });

  it('says why a queued promotion has not started yet, when a start failed', () => {
    expect(
      describePromotion(
        promotion({
          state: 'queued',
          runAfter: '2026-11-30T10:01:00Z',
          error: 'not started yet: gates could not be read',
        }),
        'UTC',
      ).text,
    ).toMatch(/^Queued until .+ \(not started yet: gates could not be read\)$/);
  });
});
