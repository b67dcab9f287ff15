import type { Delivery } from '../../database/PromotionStore';
import { doraMetrics, isChangeFailure } from './doraMetrics';

const FROM = new Date('2026-11-01T00:00:00Z');
const TO = new Date('2026-11-29T00:00:00Z'); // four weeks
const at = (day: number, hour = 12) =>
  new Date(Date.UTC(2026, 10, day, hour)).toISOString();

const delivery = (d: Partial<Delivery>): Delivery => ({
  entityRef: 'component:default/orders',
  kind: 'promotion',
  state: 'succeeded',
  finishedAt: at(2),
  rolledOut: true,
  ...d,
});

describe('doraMetrics', () => {
  it('computes the four metrics from the changes into the last stage', () => {
    const metrics = doraMetrics({
      range: '30d',
      stage: 'prod',
      from: FROM,
      to: TO,
      deliveries: [
        // lead times 1 h, 2 h and 1 day
        delivery({ finishedAt: at(2, 12), firstSeenAt: at(2, 11) }),
        delivery({ finishedAt: at(3, 12), firstSeenAt: at(3, 10) }),
        delivery({ finishedAt: at(10, 12), firstSeenAt: at(9, 12) }),
        // a failed soak after the rollout, restored 30 min later by a rollback
        delivery({
          state: 'rolled-back',
          finishedAt: at(16, 12),
          nextSuccessAt: at(16, 12).replace('12:00', '12:30'),
        }),
        delivery({
          kind: 'rollback',
          finishedAt: at(16, 12).replace('12:00', '12:30'),
        }),
        // refused before it touched prod: not a change, not a failure
        delivery({ state: 'failed', rolledOut: false, finishedAt: at(20) }),
        // failed after its rollout, nothing after it yet
        delivery({ state: 'failed', rolledOut: true, finishedAt: at(27) }),
        // never ran
        delivery({ state: 'rejected', rolledOut: false, finishedAt: at(21) }),
      ],
    });
    expect(metrics.deploymentFrequency).toEqual({
      count: 3,
      perWeek: 0.75,
      byWeek: [
        { weekStart: '2026-11-01T00:00:00.000Z', count: 2 },
        { weekStart: '2026-11-08T00:00:00.000Z', count: 1 },
        { weekStart: '2026-11-15T00:00:00.000Z', count: 0 },
        { weekStart: '2026-11-22T00:00:00.000Z', count: 0 },
      ],
    });
    expect(metrics.leadTime).toEqual({
      samples: 3,
      medianSeconds: 7200,
      p90Seconds: 86400,
    });
    expect(metrics.changeFailureRate).toEqual({
      failures: 2,
      changes: 5,
      rate: 0.4,
    });
    expect(metrics.timeToRestore).toEqual({
      samples: 1,
      medianSeconds: 1800,
      p90Seconds: 1800,
      unrestored: 1,
    });
    expect(metrics).toMatchObject({
      range: '30d',
      stage: 'prod',
      from: FROM.toISOString(),
      to: TO.toISOString(),
    });
  });

  it('says nothing rather than 0 when nothing changed', () => {
    const metrics = doraMetrics({
      range: '7d',
      stage: 'prod',
      from: new Date('2026-11-22T00:00:00Z'),
      to: TO,
      deliveries: [],
    });
    expect(metrics.leadTime).toEqual({ samples: 0 });
    expect(metrics.changeFailureRate).toEqual({ failures: 0, changes: 0 });
    expect(metrics.timeToRestore).toEqual({ samples: 0, unrestored: 0 });
    expect(metrics.deploymentFrequency.byWeek).toHaveLength(1);
  });

  it('counts only promotions as change failures, and only those that reached the stage', () => {
    expect(
      isChangeFailure(delivery({ state: 'rolled-back', rolledOut: false })),
    ).toBe(true);
    expect(
      isChangeFailure(delivery({ state: 'failed', rolledOut: true })),
    ).toBe(true);
    expect(
      isChangeFailure(delivery({ state: 'failed', rolledOut: false })),
    ).toBe(false);
    expect(
      isChangeFailure(delivery({ kind: 'rollback', state: 'failed' })),
    ).toBe(false);
    expect(
      isChangeFailure(delivery({ state: 'expired', rolledOut: false })),
    ).toBe(false);
  });
});
