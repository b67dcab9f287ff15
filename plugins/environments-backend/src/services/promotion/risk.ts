import {
  GateResult,
  PromotionDiffEntry,
  PromotionRisk,
  RiskLevel,
} from '@envportal/plugin-environments-common';

export type RiskInput = {
  /** Target is the last stage or one marked requiresApproval. */
  targetIsProduction: boolean;
  targetStage: string;
  fromVersion?: string;
  toVersion?: string;
  /** The target stage has no workload yet: a first deployment. */
  firstDeployment: boolean;
  diff: PromotionDiffEntry[];
  gates: GateResult[];
  /** Highest container restart count among the source pods. */
  sourceMaxRestarts: number;
  /** Whether the promoted image is pinned by digest. */
  pinnedByDigest: boolean;
};

/** One explicit rule: an id, and the level and reason it adds when it applies. */
export type RiskRule = {
  id: string;
  evaluate(input: RiskInput): { level: RiskLevel; reason: string } | undefined;
};

function major(version?: string): number | undefined {
  const m = version?.match(/^v?(\d+)\.(\d+)/);
  return m ? Number(m[1]) : undefined;
}
function minor(version?: string): number | undefined {
  const m = version?.match(/^v?(\d+)\.(\d+)/);
  return m ? Number(m[2]) : undefined;
}

/** The rules, in the order their reasons are listed. README's "Risk rules" table mirrors this list. */
export const RISK_RULES: RiskRule[] = [
  {
    id: 'production-target',
    evaluate: i =>
      i.targetIsProduction
        ? {
            level: 'high',
            reason: `target stage ${i.targetStage} is production`,
          }
        : undefined,
  },
  {
    id: 'major-version-jump',
    evaluate: i => {
      const from = major(i.fromVersion);
      const to = major(i.toVersion);
      if (from === undefined || to === undefined) return undefined;
      if (from !== to) {
        return {
          level: 'high',
          reason: `major version changes ${i.fromVersion} → ${i.toVersion}`,
        };
      }
      if (minor(i.fromVersion) !== minor(i.toVersion)) {
        return {
          level: 'medium',
          reason: `minor version changes ${i.fromVersion} → ${i.toVersion}`,
        };
      }
      return undefined;
    },
  },
  {
    id: 'config-change',
    evaluate: i => {
      const changed = i.diff.filter(d => d.field.startsWith('config.'));
      return changed.length
        ? {
            level: 'medium',
            reason: `configuration differs from the target: ${changed
              .map(d => d.field.slice('config.'.length))
              .join(', ')}`,
          }
        : undefined;
    },
  },
  {
    id: 'failing-gates',
    evaluate: i => {
      const failed = i.gates.filter(g => g.result === 'fail');
      return failed.length
        ? {
            level: 'high',
            reason: `gates fail: ${failed.map(g => g.id).join(', ')}`,
          }
        : undefined;
    },
  },
  {
    id: 'unknown-gates',
    evaluate: i => {
      const unknown = i.gates.filter(
        g => g.result === 'unknown' || g.result === 'insufficient-data',
      );
      return unknown.length
        ? {
            level: 'medium',
            reason: `gates without enough data: ${unknown
              .map(g => g.id)
              .join(', ')}`,
          }
        : undefined;
    },
  },
  {
    id: 'recent-restarts',
    evaluate: i =>
      i.sourceMaxRestarts > 0
        ? {
            level: 'medium',
            reason: `a source pod restarted ${i.sourceMaxRestarts} time(s)`,
          }
        : undefined,
  },
  {
    id: 'first-deployment',
    evaluate: i =>
      i.firstDeployment
        ? {
            level: 'medium',
            reason: `nothing runs in ${i.targetStage} yet: first deployment`,
          }
        : undefined,
  },
  {
    id: 'not-pinned-by-digest',
    evaluate: i =>
      i.pinnedByDigest
        ? undefined
        : {
            level: 'low',
            reason:
              'image is promoted by tag (no digest reported by the source pods)',
          },
  },
];

const ORDER: RiskLevel[] = ['low', 'medium', 'high'];

/** The highest level any rule reaches, with every applying rule's reason. */
export function assessRisk(input: RiskInput): PromotionRisk {
  let level: RiskLevel = 'low';
  const reasons: string[] = [];
  for (const rule of RISK_RULES) {
    const hit = rule.evaluate(input);
    if (!hit) continue;
    reasons.push(hit.reason);
    if (ORDER.indexOf(hit.level) > ORDER.indexOf(level)) level = hit.level;
  }
  return { level, reasons };
}
