import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// The seed's Flask app used Python level names (INFO, WARNING, CRITICAL); accept them too.
const PYTHON_LEVEL_ALIASES: Record<string, LogLevel> = { warning: 'warn', critical: 'fatal' };

export interface Config {
  logLevel: LogLevel;
  port: number;
  /** Interface to bind; undefined means every interface. */
  host?: string;
  apiBaseUrl: URL | undefined;
  /** Bearer token sent to API_BASE_URL by the readiness check; never logged. */
  apiToken: string | undefined;
  appVersion: string;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  readinessTimeoutMs: number;
  readinessCacheMs: number;
}

/** A bad environment variable: `message` is the single line printed before exiting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const unset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const seconds = (dflt: number, what: string) =>
  z.preprocess(
    unset,
    z.coerce
      .number({ error: `must be a number of seconds (${what})` })
      .min(0, { error: `must be a number of seconds >= 0 (${what})` })
      .max(3600, { error: `must be a number of seconds <= 3600 (${what})` })
      .default(dflt),
  );

const integer = (dflt: number, min: number, max: number) =>
  z.preprocess(
    unset,
    z.coerce
      .number({ error: `must be an integer from ${min} to ${max}` })
      .int({ error: `must be an integer from ${min} to ${max}` })
      .min(min, { error: `must be an integer from ${min} to ${max}` })
      .max(max, { error: `must be an integer from ${min} to ${max}` })
      .default(dflt),
  );

const schema = z.object({
  LOG_LEVEL: z.preprocess(
    (v) => {
      const s = unset(v);
      if (typeof s !== 'string') return s;
      const lower = s.trim().toLowerCase();
      return PYTHON_LEVEL_ALIASES[lower] ?? lower;
    },
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')} (case-insensitive)` }).default('info'),
  ),
  APP_PORT: integer(8080, 0, 65535),
  // Unset: every interface, as a pod needs. A local run (the portal demo) binds loopback only.
  APP_HOST: z.preprocess(
    unset,
    z.union([z.ipv4(), z.ipv6(), z.literal('localhost')], {
      error: 'must be an IP address or localhost, or unset for every interface',
    }).optional(),
  ),
  API_BASE_URL: z.preprocess(
    unset,
    z
      .url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL, or unset' })
      .optional(),
  ),
  API_TOKEN: z.preprocess(unset, z.string().optional()),
  API_TOKEN_FILE: z.preprocess(unset, z.string().optional()),
  APP_VERSION: z.preprocess(
    unset,
    z
      .string()
      .max(128, { error: 'must be at most 128 characters' })
      .regex(/^[\w.+:@/-]+$/, { error: 'must contain only letters, digits and . _ + - : @ /' })
      .default('0.0.0-dev'),
  ),
  SHUTDOWN_DELAY_SECONDS: seconds(5, 'readiness is false this long before the server stops accepting'),
  SHUTDOWN_TIMEOUT_SECONDS: seconds(20, 'hard cap from SIGTERM to exit'),
  READINESS_TIMEOUT_MS: integer(1000, 50, 30000),
  READINESS_CACHE_MS: integer(5000, 0, 300000),
});

/** Names of variables whose value must never be echoed, even in an error line. */
const SECRET_VARIABLES = new Set(['API_TOKEN', 'API_TOKEN_FILE', 'API_BASE_URL']);

/**
 * Reads and validates the configuration once. Throws ConfigError whose message is one line naming
 * the first bad variable and what is allowed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const raw = env[name];
    const got = raw === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(raw)})`;
    throw new ConfigError(`invalid configuration: ${name} ${issue.message}${got}`);
  }
  const e = parsed.data;
  if (e.SHUTDOWN_TIMEOUT_SECONDS <= e.SHUTDOWN_DELAY_SECONDS) {
    throw new ConfigError(
      `invalid configuration: SHUTDOWN_TIMEOUT_SECONDS must be greater than SHUTDOWN_DELAY_SECONDS (got ${e.SHUTDOWN_TIMEOUT_SECONDS} <= ${e.SHUTDOWN_DELAY_SECONDS})`,
    );
  }
  if (e.API_TOKEN && e.API_TOKEN_FILE) {
    throw new ConfigError('invalid configuration: API_TOKEN and API_TOKEN_FILE must not both be set');
  }
  let apiToken = e.API_TOKEN;
  if (e.API_TOKEN_FILE) {
    try {
      apiToken = readFileSync(e.API_TOKEN_FILE, 'utf8').trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'read error';
      throw new ConfigError(`invalid configuration: API_TOKEN_FILE must name a readable file (${code})`);
    }
  }
  return {
    logLevel: e.LOG_LEVEL,
    port: e.APP_PORT,
    host: e.APP_HOST,
    apiBaseUrl: e.API_BASE_URL ? new URL(e.API_BASE_URL) : undefined,
    apiToken,
    appVersion: e.APP_VERSION,
    shutdownDelayMs: Math.round(e.SHUTDOWN_DELAY_SECONDS * 1000),
    shutdownTimeoutMs: Math.round(e.SHUTDOWN_TIMEOUT_SECONDS * 1000),
    readinessTimeoutMs: e.READINESS_TIMEOUT_MS,
    readinessCacheMs: e.READINESS_CACHE_MS,
  };
}

/** A URL safe to log: credentials, query and fragment removed. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
