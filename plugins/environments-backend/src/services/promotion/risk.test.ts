import { assessRisk, RiskInput } from './risk';

const calm: RiskInput = {
  targetIsProduction: false,
  targetStage: 'staging',
  fromVersion: '1.2.0',
  toVersion: '1.2.1',
  firstDeployment: false,
  diff: [{ field: 'image', from: 'r/a:1.2.0', to: 'r/a:1.2.1' }],
  gates: [
    { id: 'error-rate', title: 'Error rate', result: 'pass', detail: '' },
  ],
  sourceMaxRestarts: 0,
  pinnedByDigest: true,
};

describe('assessRisk', () => {
  it('is low with no reasons for a patch release with passing gates, pinned by digest', () => {
    expect(assessRisk(calm)).toEqual({ level: 'low', reasons: [] });
  });

  it.each([
    [
      'production-target',
      { targetIsProduction: true, targetStage: 'prod' },
      'high',
      /target stage prod is production/,
    ],
    [
      'major-version-jump',
      { fromVersion: '1.9.0', toVersion: '2.0.0' },
      'high',
      /major version changes 1.9.0 → 2.0.0/,
    ],
    [
      'minor version jump',
      { fromVersion: '1.1.0', toVersion: '1.2.0' },
      'medium',
      /minor version changes/,
    ],
    [
      'config-change',
      { diff: [{ field: 'config.env LOG_LEVEL', from: 'info', to: 'debug' }] },
      'medium',
      /configuration differs from the target: env LOG_LEVEL/,
    ],
    [
      'failing-gates',
      { gates: [{ id: 'latency-p95', title: '', result: 'fail', detail: '' }] },
      'high',
      /gates fail: latency-p95/,
    ],
    [
      'unknown-gates',
      {
        gates: [
          {
            id: 'error-rate',
            title: '',
            result: 'insufficient-data',
            detail: '',
          },
        ],
      },
      'medium',
      /gates without enough data: error-rate/,
    ],
    ['recent-restarts', { sourceMaxRestarts: 3 }, 'medium', /restarted 3 time/],
    [
      'first-deployment',
      { firstDeployment: true },
      'medium',
      /first deployment/,
    ],
    [
      'not-pinned-by-digest',
      { pinnedByDigest: false },
      'low',
      /promoted by tag/,
    ],
  ] as const)(
    '%s raises the level to %s and says why',
    (_rule, change, level, reason) => {
      const risk = assessRisk({ ...calm, ...(change as Partial<RiskInput>) });
      expect(risk.level).toBe(level);
      expect(risk.reasons).toHaveLength(1);
      expect(risk.reasons[0]).toMatch(reason);
    },
  );

  it('takes the highest level and lists every reason', () => {
    const risk = assessRisk({
      ...calm,
      targetIsProduction: true,
      targetStage: 'prod',
      sourceMaxRestarts: 1,
      pinnedByDigest: false,
    });
    expect(risk.level).toBe('high');
    expect(risk.reasons).toHaveLength(3);
  });
});
