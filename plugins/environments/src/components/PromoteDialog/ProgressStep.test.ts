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
});
