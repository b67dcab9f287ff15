import fs from 'node:fs';
import path from 'node:path';
import { GateResult } from '@envportal/plugin-environments-common';
import { assessRisk, RISK_RULES, RiskInput } from './risk';

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

/** Each rule, named by its id (the minor jump is the major rule's lower level), with an input it applies to. */
const RULE_CASES = [
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
  ['first-deployment', { firstDeployment: true }, 'medium', /first deployment/],
  ['not-pinned-by-digest', { pinnedByDigest: false }, 'low', /promoted by tag/],
] as const;

const gate = (id: string, result: GateResult['result']): GateResult => ({
  id,
  title: '',
  result,
  detail: '',
});

describe('assessRisk', () => {
  it('is low with no reasons for a patch release with passing gates, pinned by digest', () => {
    expect(assessRisk(calm)).toEqual({ level: 'low', reasons: [] });
  });

  it.each(RULE_CASES)(
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

  it('names every changed config key, every failing gate and every gate without data', () => {
    const risk = assessRisk({
      ...calm,
      diff: [
        ...calm.diff,
        { field: 'config.env LOG_LEVEL', from: 'info', to: 'debug' },
        { field: 'config.resources.limits.memory', from: '256Mi', to: '512Mi' },
      ],
      gates: [
        gate('checklist', 'unknown'),
        gate('error-rate', 'fail'),
        gate('success-rate', 'insufficient-data'),
        gate('latency-p95', 'fail'),
        gate('restarts', 'pass'),
      ],
    });
    expect(risk).toEqual({
      level: 'high',
      reasons: [
        'configuration differs from the target: env LOG_LEVEL, resources.limits.memory',
        'gates fail: error-rate, latency-p95',
        'gates without enough data: checklist, success-rate',
      ],
    });
  });

  it('compares versions by their numbers, and only when both tags start with one', () => {
    const versionReasons = (fromVersion?: string, toVersion?: string) =>
      assessRisk({ ...calm, fromVersion, toVersion }).reasons;
    expect(versionReasons('9.4.0', '10.0.0')).toEqual([
      'major version changes 9.4.0 → 10.0.0',
    ]);
    expect(versionReasons('10.4.0', '10.5.0')).toEqual([
      'minor version changes 10.4.0 → 10.5.0',
    ]);
    expect(versionReasons('1.10.0', '1.11.0')).toEqual([
      'minor version changes 1.10.0 → 1.11.0',
    ]);
    expect(versionReasons('v1.4.2', 'v1.4.3')).toEqual([]);
    // A first deployment, a tag that is not a version, or a date in a nightly tag: nothing to compare.
    expect(versionReasons(undefined, '2.0.0')).toEqual([]);
    expect(versionReasons('1.2.0', 'latest')).toEqual([]);
    expect(versionReasons('nightly-2026.12.31', 'nightly-2027.01.01')).toEqual(
      [],
    );
  });

  it("is documented in the README's risk rules table: every rule, in order, at the level it raises", () => {
    const readme = fs.readFileSync(
      path.resolve(__dirname, '../../../README.md'),
      'utf8',
    );
    const section = readme.slice(readme.indexOf('### Risk rules'));
    const table = section.slice(
      0,
      section.indexOf('\n\n', section.indexOf('|')),
    );
    const documented = [...table.matchAll(/^\| `([a-z-]+)` +\| (\w+)/gm)].map(
      ([, id, level]) => [id, level],
    );
    const applied = RISK_RULES.map(rule => {
      const [, change] = RULE_CASES.find(([id]) => id === rule.id)!;
      const hit = rule.evaluate({ ...calm, ...(change as Partial<RiskInput>) });
      return [rule.id, hit?.level];
    });
    expect(applied).toEqual(documented);
  });
});
