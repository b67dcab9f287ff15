import type { StoredPromotion } from '../../database/PromotionStore';
import { rollbackTarget } from './rollbackTarget';

let seq = 0;
function change(
  kind: 'promotion' | 'rollback',
  imageBefore: string | undefined,
  imageAfter: string,
  state: StoredPromotion['state'] = 'succeeded',
): StoredPromotion {
  seq++;
  return {
    id: `p${seq}`,
    kind,
    entityRef: 'component:default/orders',
    from: 'dev',
    to: 'staging',
    strategy: 'image',
    deployment: 'orders',
    container: 'app',
    state,
    imageBefore,
    imageAfter,
    progress: { desired: 2, updated: 2, ready: 2 },
    gates: [],
    risk: { level: 'low', reasons: [] },
    requestedBy: 'user:default/guest',
    createdAt: new Date(seq * 1000).toISOString(),
    summary: '',
  };
}

describe('rollbackTarget', () => {
  it('returns to the version before the promotion that put the running image there', () => {
    const history = [
      change('promotion', 'r:1.1', 'r:1.2'),
      change('promotion', 'r:1.0', 'r:1.1'),
    ];
    expect(rollbackTarget(history, 'r:1.2', 'staging')).toBe('r:1.1');
  });

  it('goes one further back on a second rollback, never re-applying the image rolled back from', () => {
    // Newest first: 1.0 → 1.1, 1.1 → 1.2, then a rollback 1.2 → 1.1.
    const history = [
      change('rollback', 'r:1.2', 'r:1.1'),
      change('promotion', 'r:1.1', 'r:1.2'),
      change('promotion', 'r:1.0', 'r:1.1'),
    ];
    expect(rollbackTarget(history, 'r:1.1', 'staging')).toBe('r:1.0');
  });

  it('never returns to an image a manual rollback left, even after it was promoted again', () => {
    // 1.1 → 1.2, rolled back by hand to 1.1; 1.2 promoted again, then 1.2 → 1.3.
    const history = [
      change('promotion', 'r:1.2', 'r:1.3'),
      change('promotion', 'r:1.1', 'r:1.2'),
      change('rollback', 'r:1.2', 'r:1.1'),
      change('promotion', 'r:1.1', 'r:1.2'),
    ];
    expect(() => rollbackTarget(history, 'r:1.3', 'staging')).toThrow(
      'The version before r:1.3 in staging is r:1.2, which was rolled back from earlier',
    );
  });

  it('does not count a rollback that failed: the image it tried to leave stays a target', () => {
    const history = [
      change('promotion', 'r:1.2', 'r:1.3'),
      change('rollback', 'r:1.2', 'r:1.1', 'failed'),
      change('promotion', 'r:1.1', 'r:1.2'),
    ];
    expect(rollbackTarget(history, 'r:1.3', 'staging')).toBe('r:1.2');
  });

  it('refuses when the version before was itself rolled back from', () => {
    // 1.2 failed its soak and was rolled back automatically; 1.2 → 1.3 later succeeded.
    const history = [
      change('promotion', 'r:1.2', 'r:1.3'),
      change('promotion', 'r:1.1', 'r:1.2', 'rolled-back'),
    ];
    expect(() => rollbackTarget(history, 'r:1.3', 'staging')).toThrow(
      'The version before r:1.3 in staging is r:1.2, which was rolled back from earlier; a rollback does not apply it again',
    );
  });

  it('refuses when no recorded promotion put the running image there, or it was the first version', () => {
    expect(() => rollbackTarget([], 'r:1.2', 'staging')).toThrow(
      'No recorded promotion put r:1.2 into staging',
    );
    expect(() =>
      rollbackTarget(
        [change('promotion', undefined, 'r:1.0')],
        'r:1.0',
        'staging',
      ),
    ).toThrow('r:1.0 was the first version recorded in staging');
    // Never "back" to the image that runs.
    expect(() =>
      rollbackTarget(
        [change('promotion', 'r:1.0', 'r:1.0')],
        'r:1.0',
        'staging',
      ),
    ).toThrow('r:1.0 was the first version recorded in staging');
    // A failed promotion did not put its image there.
    expect(() =>
      rollbackTarget(
        [change('promotion', 'r:1.1', 'r:1.2', 'failed')],
        'r:1.2',
        'staging',
      ),
    ).toThrow('No recorded promotion put r:1.2 into staging');
  });
});
