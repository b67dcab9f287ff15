import { Config } from '@backstage/config';

const SUPPORTED_DATABASE_CLIENTS = ['better-sqlite3', 'pg'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function isPort(value: unknown): boolean {
  const port = typeof value === 'string' ? Number(value) : value;
  return (
    typeof port === 'number' &&
    Number.isInteger(port) &&
    port > 0 &&
    port < 65536
  );
}

function safeUrl(value: unknown): URL | undefined {
  try {
    return new URL(String(value));
  } catch {
    return undefined;
  }
}

/**
 * Checks the config values a wrong deployment gets wrong most often, so the backend can stop with one
 * clear line instead of a stack trace from every plugin. Returns the problems found, empty when none.
 */
export function findConfigProblems(config: Config): string[] {
  const problems: string[] = [];

  const client = config.getOptional('backend.database.client');
  if (!SUPPORTED_DATABASE_CLIENTS.includes(String(client))) {
    problems.push(
      `backend.database.client is ${JSON.stringify(
        client,
      )}; allowed: ${SUPPORTED_DATABASE_CLIENTS.join(', ')}`,
    );
  } else if (client === 'pg') {
    // Read the merged value once: walking into it key by key trips over a string in a lower config layer.
    const connection = config.getOptional('backend.database.connection');
    if (connection && typeof connection === 'object') {
      const fields = connection as Record<string, unknown>;
      for (const key of ['host', 'user', 'password']) {
        if (fields[key] === undefined || fields[key] === '') {
          problems.push(
            `backend.database.connection.${key} is missing (app-config.production.yaml reads it from POSTGRES_${key.toUpperCase()})`,
          );
        }
      }
      if (fields.port !== undefined && !isPort(fields.port)) {
        problems.push(
          `backend.database.connection.port is ${JSON.stringify(
            fields.port,
          )}; allowed: a whole number from 1 to 65535`,
        );
      }
    } else if (typeof connection !== 'string') {
      problems.push(
        'backend.database.connection is missing; set POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER and POSTGRES_PASSWORD',
      );
    }
  }

  const listen = config.getOptional('backend.listen');
  const listenPort =
    typeof listen === 'string'
      ? listen.split(':').pop()
      : config.getOptional('backend.listen.port');
  if (listenPort !== undefined && listenPort !== '' && !isPort(listenPort)) {
    problems.push(
      `backend.listen port is ${JSON.stringify(
        listenPort,
      )}; allowed: a whole number from 1 to 65535`,
    );
  }

  for (const key of ['backend.baseUrl', 'app.baseUrl']) {
    const url = config.getOptional(key);
    if (!/^https?:$/.test(safeUrl(url)?.protocol ?? '')) {
      problems.push(
        `${key} is ${JSON.stringify(url)}; allowed: an absolute http(s) URL`,
      );
    }
  }

  const stages = config.getOptionalConfigArray('environments.stages') ?? [];
  const seen = new Set<string>();
  stages.forEach((stage, index) => {
    const name = stage.getOptional('name');
    if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
      problems.push(
        `environments.stages[${index}].name is ${JSON.stringify(
          name,
        )}; allowed: a DNS-1123 label such as "dev"`,
      );
    } else if (seen.has(name)) {
      problems.push(
        `environments.stages[${index}].name "${name}" is used twice`,
      );
    } else {
      seen.add(name);
    }
  });

  return problems;
}
