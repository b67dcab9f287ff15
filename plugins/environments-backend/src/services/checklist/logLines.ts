import { redactAddresses } from '@envportal/plugin-environments-node';

const MAX_MESSAGE = 160;
/** Headers that carry credentials: everything after them on the line goes. */
const CREDENTIAL_HEADER =
  /\b((?:proxy-)?authorization|(?:set-)?cookie)(["']?\s*[:=])[\s\S]*$/gi;
/** Values that authenticate or identify: bearer/basic credentials, JWTs, e-mails, long tokens. */
const SECRET_VALUES: RegExp[] = [
  /\b(bearer|basic|token|digest)\s+[\w\-.~+/=]+/gi,
  /\beyJ[\w-]+\.[\w-]*(\.[\w-]*)?/g,
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g,
  /\b[A-Za-z0-9+/_]{32,}={0,2}/g,
];
/**
 * `password=...`, `"DB_PASSWORD": "..."`, `client_secret ...`: a name that says secret (alone or inside
 * a longer name) keeps, the value after it goes.
 */
const SECRET_ASSIGNMENT =
  /([\w-]*(?:password|passwd|pwd|secret|token|api[_-]?key|credential|session)[\w-]*)(["']?\s*[:=]\s*|\s+)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;]+)/gi;

/** Masks addresses and anything that looks like a credential or a person in a log-derived text. */
export function redactLogText(text: string): string {
  let out = redactAddresses(text).replace(
    CREDENTIAL_HEADER,
    (_match, key: string, separator: string) => `${key}${separator} [hidden]`,
  );
  for (const pattern of SECRET_VALUES) out = out.replace(pattern, '[hidden]');
  return out.replace(
    SECRET_ASSIGNMENT,
    (match, key: string, separator: string, value: string) =>
      value === '[hidden]' ? match : `${key}${separator}[hidden]`,
  );
}

/** A log line parsed once: its fields too when it is a JSON (pino) line. */
export type LogLine = { text: string; entry?: Record<string, unknown> };

export function readLogLine(raw: string): LogLine {
  const text = raw.trim();
  if (!text.startsWith('{')) return { text };
  try {
    const entry: unknown = JSON.parse(text);
    return entry && typeof entry === 'object' && !Array.isArray(entry)
      ? { text, entry: entry as Record<string, unknown> }
      : { text };
  } catch {
    return { text }; // not JSON after all
  }
}

/** pino levels: 50 error, 60 fatal; text logs: an ERROR/FATAL word. */
export function isErrorLine({ text, entry }: LogLine): boolean {
  if (!entry) return /\b(ERROR|FATAL|CRITICAL)\b/.test(text);
  const level = entry.level;
  if (typeof level === 'number') return level >= 50;
  return typeof level === 'string' && /^(error|fatal|critical)$/i.test(level);
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The time a JSON (pino) line says it was written, in epoch milliseconds. */
export function lineTime(line: LogLine): number | undefined {
  return dateOf(line.entry?.time)?.getTime();
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE
    ? `${line.slice(0, MAX_MESSAGE - 1)}…`
    : line;
}

/**
 * What the checklist shows of one error line: its time, the pod, the message and the HTTP status or
 * error type when the line is JSON (pino) -- never the other fields (request bodies, headers, user
 * data) -- and a clipped text line otherwise; credentials and addresses masked in both.
 */
export function summarizeErrorLine(
  { text, entry }: LogLine,
  pod: string,
): string {
  if (!entry) return `${pod}: ${clip(redactLogText(text))}`;
  const err = entry.err as { type?: unknown } | undefined;
  const message =
    [entry.msg, entry.message].find(
      (m): m is string => typeof m === 'string',
    ) ?? '(no message)';
  const extras = [
    typeof entry.status === 'number' ? `status ${entry.status}` : '',
    typeof err?.type === 'string' ? err.type : '',
  ].filter(Boolean);
  const time = dateOf(entry.time)
    ?.toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const details = extras.length ? ` (${clip(extras.join(', '))})` : '';
  return `${time ? `${time} ` : ''}${pod}: ${clip(
    redactLogText(message),
  )}${redactLogText(details)}`;
}
