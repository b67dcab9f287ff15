import {
  GateResult,
  PromotionState,
} from '@envportal/plugin-environments-common';
import { imageVersion } from '@envportal/plugin-environments-common';

/** One paragraph for release notes: what changed, the gates, the result. */
export function promotionSummary(p: {
  kind: 'promotion' | 'rollback';
  entityRef: string;
  from: string;
  to: string;
  imageBefore?: string;
  imageAfter: string;
  requestedBy: string;
  gates: GateResult[];
  riskLevel: string;
  overrideReason?: string;
  state: PromotionState;
  durationMs?: number;
  rollbackReason?: string;
  error?: string;
}): string {
  const name = p.entityRef.split('/').pop();
  const before = imageVersion(p.imageBefore) ?? 'nothing';
  const after = imageVersion(p.imageAfter) ?? p.imageAfter;
  const who = p.requestedBy.replace(/^user:/, '');
  const head =
    p.kind === 'rollback'
      ? `${name} in ${p.to} rolled back ${before} → ${after} by ${who}.`
      : `${name} ${before} → ${after} promoted ${p.from} → ${p.to} by ${who}.`;
  const passed = p.gates.filter(
    g => g.result === 'pass' || g.result === 'warn',
  ).length;
  const gates =
    p.kind === 'rollback'
      ? ''
      : ` Gates ${passed}/${p.gates.length} passed${
          passed < p.gates.length
            ? ` (not passed: ${p.gates
                .filter(g => g.result !== 'pass' && g.result !== 'warn')
                .map(g => `${g.id} ${g.result}`)
                .join(', ')})`
            : ''
        }; risk ${p.riskLevel}.`;
  const override = p.overrideReason
    ? ` Gates overridden: "${p.overrideReason}".`
    : '';
  const seconds =
    p.durationMs !== undefined
      ? ` in ${Math.round(p.durationMs / 1000)} s`
      : '';
  let result: string;
  switch (p.state) {
    case 'succeeded':
      result = ` Result: succeeded${seconds}.`;
      break;
    case 'rolled-back':
      result = ` Result: rolled back to ${before}${seconds} (${
        p.rollbackReason ?? 'failure'
      }).`;
      break;
    case 'failed':
      result = ` Result: failed${seconds}${p.error ? ` (${p.error})` : ''}.`;
      break;
    case 'rejected':
    case 'expired':
      result = ` Result: ${p.state}${p.error ? ` (${p.error})` : ''}.`;
      break;
    default:
      result = ` Status: ${p.state}.`;
  }
  return `${head}${gates}${override}${result}`;
}
