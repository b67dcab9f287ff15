import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';

/**
 * One window as in an iCalendar VEVENT: the first occurrence from `start` to `end` (local date-times
 * in the stage's time zone, `YYYY-MM-DDTHH:mm`), repeated by an RFC 5545 RRULE when there is one.
 */
export type WindowRule = { start: string; end: string; rrule?: string };

/** When promotions into a stage may run. */
export type DeployWindowSettings = {
  /** IANA time zone of every rule, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Open only inside one of these; no allow rules means open whenever no deny rule applies. */
  allow: WindowRule[];
  /** Closed inside any of these, whatever the allow rules say. */
  deny: WindowRule[];
  /** A promotion asked for while closed: refused with the next opening, or queued until then. */
  outside: 'refuse' | 'queue';
};

/** A stage's window at one instant. */
export type WindowState = {
  open: boolean;
  /** When the state changes next (it closes when open, it opens when closed); absent: not within a year. */
  changesAt?: Date;
};

/** Far enough to find next week's or next year's opening, bounded so a bad rule cannot spin. */
const HORIZON_MS = 400 * 24 * 3600 * 1000;
const MAX_STEPS = 2000;

/** One rule with its occurrences: each starts at an RRULE instant and lasts `durationMs`. */
class Occurrences {
  private readonly rule?: RRuleTemporal;
  private readonly firstStart: number;
  private readonly durationMs: number;

  constructor(rule: WindowRule, timeZone: string) {
    const start = zoned(rule.start, timeZone);
    const end = zoned(rule.end, timeZone);
    this.firstStart = start.epochMilliseconds;
    this.durationMs = end.epochMilliseconds - start.epochMilliseconds;
    if (this.durationMs <= 0) {
      throw new Error(
        `window ${rule.start} → ${rule.end} ends before it starts`,
      );
    }
    if (rule.rrule) {
      if (/^\s*(DTSTART|RRULE:)/im.test(rule.rrule)) {
        throw new Error(
          `window rrule "${rule.rrule}": give only the rule parts (FREQ=…); start and end set DTSTART`,
        );
      }
      // Windows are hours and days; finer rules only make every evaluation expensive.
      if (/FREQ=(SECONDLY|MINUTELY)/i.test(rule.rrule)) {
        throw new Error(
          `window rrule "${rule.rrule}": FREQ must be HOURLY or coarser`,
        );
      }
      const basic = start
        .toPlainDateTime()
        .toString({ smallestUnit: 'second' });
      this.rule = new RRuleTemporal({
        rruleString: `DTSTART;TZID=${timeZone}:${basic.replace(
          /[-:]/g,
          '',
        )}\nRRULE:${rule.rrule}`,
        strict: true,
      });
      // Surfaces a rule the library cannot expand at start-up, not at the first promotion.
      this.rule.next(new Date(this.firstStart), true);
    }
  }

  /** The end of the occurrence covering `t`, if one does. */
  coveringEnd(t: number): number | undefined {
    const start = this.lastStartAtOrBefore(t);
    if (start === undefined) return undefined;
    const end = start + this.durationMs;
    return t < end ? end : undefined;
  }

  private lastStartAtOrBefore(t: number): number | undefined {
    if (this.rule)
      return this.rule.previous(new Date(t), true)?.epochMilliseconds;
    return this.firstStart <= t ? this.firstStart : undefined;
  }

  /** The first occurrence start after `t`. */
  nextStart(t: number): number | undefined {
    if (!this.rule) return this.firstStart > t ? this.firstStart : undefined;
    return this.rule.next(new Date(t), false)?.epochMilliseconds;
  }
}

function zoned(local: string, timeZone: string): Temporal.ZonedDateTime {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) {
    throw new Error(
      `window time "${local}" is not a local date-time YYYY-MM-DDTHH:mm`,
    );
  }
  return Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone);
}

/** A stage's deploy window, its rules parsed once (a bad rule fails at start-up). */
export class DeployWindow {
  private readonly allow: Occurrences[];
  private readonly deny: Occurrences[];

  constructor(readonly settings: DeployWindowSettings) {
    try {
      Temporal.Now.zonedDateTimeISO(settings.timeZone);
    } catch {
      throw new Error(`unknown time zone "${settings.timeZone}"`);
    }
    this.allow = settings.allow.map(r => new Occurrences(r, settings.timeZone));
    this.deny = settings.deny.map(r => new Occurrences(r, settings.timeZone));
    // Over the coming year, so a rule that only fails later stops start-up instead of a promotion.
    const monthMs = 30 * 24 * 3600 * 1000;
    for (let month = 0; month <= 12; month++) {
      this.state(new Date(Date.now() + month * monthMs));
    }
  }

  isOpen(t: number): boolean {
    const allowed =
      this.allow.length === 0 ||
      this.allow.some(o => o.coveringEnd(t) !== undefined);
    return allowed && !this.deny.some(o => o.coveringEnd(t) !== undefined);
  }

  /** Open or closed at `now`, and when that changes next. */
  state(now: Date): WindowState {
    try {
      return this.evaluate(now);
    } catch (error) {
      // A rule the library cannot expand at this date (e.g. too many iterations) is a config error.
      throw new Error(
        `the deploy window (${
          this.settings.timeZone
        }) cannot be evaluated at ${now.toISOString()}: ${
          (error as Error).message
        }`,
      );
    }
  }

  private evaluate(now: Date): WindowState {
    const open = this.isOpen(now.getTime());
    const changesAt = this.nextChange(now.getTime(), open);
    return changesAt === undefined
      ? { open }
      : { open, changesAt: new Date(changesAt) };
  }

  /**
   * The first instant after `t` at which the window is no longer `open`. Only rule boundaries can
   * change it, so it steps from boundary to boundary.
   */
  private nextChange(t: number, open: boolean): number | undefined {
    const limit = t + HORIZON_MS;
    let at = t;
    for (let step = 0; step < MAX_STEPS && at < limit; step++) {
      const next = this.nextBoundary(at);
      if (next === undefined || next > limit) return undefined;
      if (this.isOpen(next) !== open) return next;
      at = next;
    }
    return undefined;
  }

  private nextBoundary(t: number): number | undefined {
    const candidates = [...this.allow, ...this.deny].flatMap(o => [
      o.coveringEnd(t),
      o.nextStart(t),
    ]);
    const later = candidates.filter(
      (c): c is number => c !== undefined && c > t,
    );
    return later.length > 0 ? Math.min(...later) : undefined;
  }
}
