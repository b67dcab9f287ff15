import {
  FleetPromotion,
  FleetRow,
  FleetStage,
  formatStageTime,
  StageGovernance,
} from '@envportal/plugin-environments-common';
import { StatusTone } from '../StatusLabel';
import { windowSummary } from '../StageCard/governanceSummary';

const DAY_MS = 86_400_000;

/** The cell's headline: what runs and whether it is well, in one tone. */
export function cellHeadline(cell: FleetStage): {
  tone: StatusTone;
  text: string;
} {
  if (cell.state === 'error') return { tone: 'error', text: 'Unreachable' };
  if (cell.state === 'not-found')
    return { tone: 'unknown', text: 'Not deployed' };
  const version = cell.version ?? 'unknown version';
  if (cell.rollout === 'failed') return { tone: 'error', text: version };
  if (cell.rollout === 'progressing') return { tone: 'running', text: version };
  if ((cell.ready ?? 0) < (cell.desired ?? 0)) {
    return { tone: 'warning', text: version };
  }
  return {
    tone: cell.rollout === 'complete' ? 'ok' : 'unknown',
    text: version,
  };
}

/** "2/2 ready · for 3 days". */
export function cellDetail(cell: FleetStage, now: number): string | undefined {
  if (cell.state !== 'ok') return cell.error;
  const parts = [`${cell.ready ?? 0}/${cell.desired ?? 0} ready`];
  if (cell.rollout === 'progressing') parts.push('rolling out');
  if (cell.since) parts.push(`for ${age(Date.parse(cell.since), now)}`);
  return parts.join(' · ');
}

/** "behind dev (1.5.0) for 2 days". */
export function behindText(
  cell: FleetStage,
  previousStage: string,
): string | undefined {
  if (!cell.behind) return undefined;
  const { version, days } = cell.behind;
  return `behind ${previousStage} (${version})${
    days > 0 ? ` for ${days} day${days === 1 ? '' : 's'}` : ''
  }`;
}

/** What a promotion into the stage is doing: "Awaiting approval (1 of 2)", "Queued until …". */
export function promotionText(
  promotion: FleetPromotion,
  timeZone?: string,
): string {
  switch (promotion.state) {
    case 'awaiting-approval':
      return `Awaiting approval (${promotion.approvalsGiven ?? 0} of ${
        promotion.approvalsRequired ?? 1
      })`;
    case 'queued':
      return promotion.runAfter
        ? `Queued until ${formatStageTime(promotion.runAfter, timeZone)}`
        : 'Queued for the deploy window';
    default:
      return `Promoting from ${promotion.from}`;
  }
}

/** A stage's column heading detail: its window and approval rule, briefly. */
export function stageHeading(
  governance: StageGovernance | undefined,
): string[] {
  if (!governance) return [];
  const lines: string[] = [];
  if (governance.window) lines.push(windowSummary(governance.window).text);
  if (governance.approval) {
    const n = governance.approval.required;
    lines.push(`${n} approval${n === 1 ? '' : 's'} required`);
  }
  return lines;
}

export function needsAttention(row: FleetRow): boolean {
  return row.stages.some(s => s.attention.length > 0);
}

function age(since: number, now: number): string {
  const days = Math.floor((now - since) / DAY_MS);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.floor((now - since) / 3_600_000);
  if (hours >= 1) return `${hours} h`;
  return `${Math.max(1, Math.floor((now - since) / 60_000))} min`;
}

export type FleetFilter = {
  owner?: string;
  system?: string;
  attention: boolean;
  text: string;
};

export function filterRows(rows: FleetRow[], filter: FleetFilter): FleetRow[] {
  const text = filter.text.trim().toLocaleLowerCase('en-US');
  return rows.filter(
    row =>
      (!filter.owner || row.owner === filter.owner) &&
      (!filter.system || row.system === filter.system) &&
      (!filter.attention || needsAttention(row)) &&
      (!text ||
        row.entityRef.includes(text) ||
        (row.title ?? '').toLocaleLowerCase('en-US').includes(text)),
  );
}

/** The distinct values of a field, sorted, for a filter's choices. */
export function choices(rows: FleetRow[], field: 'owner' | 'system'): string[] {
  return [
    ...new Set(rows.map(r => r[field]).filter((v): v is string => !!v)),
  ].sort();
}
