import type {
  DoraDuration,
  DoraMetrics,
} from '@envportal/plugin-environments-common';

/** "45 min", "3.5 h", "2.1 days": the unit a person would use. */
export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

function durationText(d: DoraDuration, what: string): string {
  if (d.medianSeconds === undefined) return `No ${what} in this range`;
  return `median ${formatSeconds(d.medianSeconds)}, p90 ${formatSeconds(
    d.p90Seconds ?? d.medianSeconds,
  )} (${d.samples})`;
}

/** The four tiles' headline and detail, in words. */
export function doraTiles(m: DoraMetrics) {
  const { deploymentFrequency: freq, changeFailureRate: cfr } = m;
  return [
    {
      title: 'Deployment frequency',
      value: `${freq.perWeek} / week`,
      detail: `${freq.count} successful promotion${
        freq.count === 1 ? '' : 's'
      } into ${m.stage}`,
    },
    {
      title: 'Lead time',
      value:
        m.leadTime.medianSeconds === undefined
          ? 'no data'
          : formatSeconds(m.leadTime.medianSeconds),
      detail: durationText(m.leadTime, 'promotions'),
    },
    {
      title: 'Change failure rate',
      value:
        cfr.rate === undefined ? 'no data' : `${Math.round(cfr.rate * 100)} %`,
      detail: `${cfr.failures} of ${cfr.changes} change${
        cfr.changes === 1 ? '' : 's'
      } failed in ${m.stage}`,
    },
    {
      title: 'Time to restore',
      value:
        m.timeToRestore.medianSeconds === undefined
          ? 'no data'
          : formatSeconds(m.timeToRestore.medianSeconds),
      detail: `${durationText(m.timeToRestore, 'restores')}${
        m.timeToRestore.unrestored > 0
          ? `; ${m.timeToRestore.unrestored} not restored yet`
          : ''
      }`,
    },
  ];
}
