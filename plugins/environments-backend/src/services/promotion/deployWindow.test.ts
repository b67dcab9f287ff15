import { DeployWindow, DeployWindowSettings } from './deployWindow';

const WEEKDAYS = {
  start: '2026-01-05T09:00',
  end: '2026-01-05T16:00',
  rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH',
};
const HOLIDAYS = { start: '2026-12-20T00:00', end: '2027-01-04T00:00' };

function window(settings: Partial<DeployWindowSettings>) {
  return new DeployWindow({
    timeZone: 'Europe/Berlin',
    allow: [],
    deny: [],
    outside: 'refuse',
    ...settings,
  });
}

const at = (iso: string) => new Date(iso);

describe('DeployWindow', () => {
  const prod = window({ allow: [WEEKDAYS], deny: [HOLIDAYS] });

  it('is open Monday to Thursday 09:00–16:00 Berlin time, until 16:00', () => {
    // Tuesday 2026-12-01 10:30 CET = 09:30 UTC
    expect(prod.state(at('2026-12-01T09:30:00Z'))).toEqual({
      open: true,
      changesAt: at('2026-12-01T15:00:00Z'),
    });
    // 09:00 sharp opens, 16:00 sharp is closed
    expect(prod.isOpen(at('2026-12-01T08:00:00Z').getTime())).toBe(true);
    expect(prod.isOpen(at('2026-12-01T15:00:00Z').getTime())).toBe(false);
    expect(prod.isOpen(at('2026-12-01T07:59:59Z').getTime())).toBe(false);
  });

  it('is closed on Friday afternoon until Monday 09:00', () => {
    // Friday 2026-12-04 17:00 CET
    expect(prod.state(at('2026-12-04T16:00:00Z'))).toEqual({
      open: false,
      changesAt: at('2026-12-07T08:00:00Z'),
    });
    // Friday is not in BYDAY at all
    expect(prod.state(at('2026-12-04T09:00:00Z')).open).toBe(false);
  });

  it('stays closed through the holiday deny window and opens on the first weekday after it', () => {
    // Monday 2026-12-21 10:00 CET: a weekday inside the deny window
    expect(prod.state(at('2026-12-21T09:00:00Z'))).toEqual({
      open: false,
      // The deny window ends Monday 2027-01-04 00:00; the weekday window opens at 09:00 CET.
      changesAt: at('2027-01-04T08:00:00Z'),
    });
  });

  it('closes at the start of a deny window that begins inside an open one', () => {
    const w = window({
      allow: [WEEKDAYS],
      deny: [{ start: '2026-12-01T12:00', end: '2026-12-01T13:00' }],
    });
    expect(w.state(at('2026-12-01T09:00:00Z'))).toEqual({
      open: true,
      changesAt: at('2026-12-01T11:00:00Z'),
    });
    // and reopens when it ends, within the same weekday occurrence
    expect(w.state(at('2026-12-01T11:30:00Z'))).toEqual({
      open: false,
      changesAt: at('2026-12-01T12:00:00Z'),
    });
  });

  it('follows the time zone across daylight saving time', () => {
    // Summer: 09:00 CEST = 07:00 UTC
    expect(prod.state(at('2026-07-06T06:30:00Z'))).toEqual({
      open: false,
      changesAt: at('2026-07-06T07:00:00Z'),
    });
  });

  it('without allow rules is open except in deny windows', () => {
    const w = window({ deny: [HOLIDAYS] });
    expect(w.state(at('2026-12-19T12:00:00Z'))).toEqual({
      open: true,
      changesAt: at('2026-12-19T23:00:00Z'),
    });
    expect(w.state(at('2027-02-01T12:00:00Z'))).toEqual({ open: true });
  });

  it('names a window that never opens again as closed without a change', () => {
    const w = window({ allow: [HOLIDAYS] });
    expect(w.state(at('2027-02-01T12:00:00Z'))).toEqual({ open: false });
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, /unknown time zone "Mars\/Olympus"/],
    [
      { allow: [{ start: '2026-01-05T09:00', end: '2026-01-05T08:00' }] },
      /ends before it starts/,
    ],
    [
      { allow: [{ start: 'Monday 9am', end: '2026-01-05T08:00' }] },
      /not a local date-time/,
    ],
    [
      { allow: [{ ...WEEKDAYS, rrule: 'FREQ=FORTNIGHTLY' }] },
      /FORTNIGHTLY|freq/i,
    ],
    [
      { allow: [{ ...WEEKDAYS, rrule: 'RRULE:FREQ=WEEKLY' }] },
      /only the rule parts/,
    ],
    [
      { allow: [{ ...WEEKDAYS, rrule: 'FREQ=SECONDLY;BYMONTH=1' }] },
      /FREQ must be HOURLY or coarser/,
    ],
  ])('refuses bad settings %j', (settings, message) => {
    expect(() => window(settings as Partial<DeployWindowSettings>)).toThrow(
      message,
    );
  });
});
