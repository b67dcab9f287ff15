import {
  formatStageTime,
  PromotionApproval,
  StageGovernanceApproval,
  StageWindow,
} from '@envportal/plugin-environments-common';
import { StatusTone } from '../StatusLabel';

/** Whether promotions may run into a stage now, and until when. */
export function windowSummary(window: StageWindow): {
  tone: StatusTone;
  text: string;
} {
  const at =
    window.changesAt && formatStageTime(window.changesAt, window.timeZone);
  if (window.open) {
    return {
      tone: 'ok',
      text: at ? `Deploy window open until ${at}` : 'Deploy window open',
    };
  }
  // the backend queues only when it knows when the window opens
  if (window.outside === 'queue' && at) {
    return {
      tone: 'warning',
      text: `Deploy window closed until ${at}: promotions queue until then`,
    };
  }
  return {
    tone: 'warning',
    text: `Deploy window closed${
      at ? ` until ${at}` : ''
    }: promotions are refused`,
  };
}

/** "Needs 2 approvals (group:default/release-managers)". */
export function approvalPolicySummary(
  approval: Pick<StageGovernanceApproval, 'required' | 'approvers'>,
): string {
  const { required, approvers } = approval;
  return `Needs ${required} approval${
    required === 1 ? '' : 's'
  } (${approvers.join(', ')})`;
}

export function approvalsGiven(approval: PromotionApproval): number {
  return approval.decisions.filter(d => d.decision === 'approve').length;
}

/** "rita" for user:default/rita: the name people use for each other. */
export function personName(entityRef: string): string {
  return entityRef.replace(/^.*[:/]/, '');
}
