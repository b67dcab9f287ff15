/**
 * "Mon 7 Dec, 09:00 CET": a time as a stage's people read it, in the stage's deploy-window zone when
 * there is one (the reader may sit elsewhere, so the zone is always named). Backend messages and the
 * tab say it the same way. An unknown zone or a malformed time gives the ISO text back.
 * @public
 */
export function formatStageTime(at: string | Date, timeZone?: string): string {
  const date = new Date(at);
  try {
    return new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(date);
  } catch {
    return typeof at === 'string' ? at : at.toISOString();
  }
}
