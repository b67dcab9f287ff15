import { redactAddresses, Wire } from '@envportal/plugin-environments-node';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import https from 'node:https';
import http from 'node:http';

/**
 * An API-server answer other than 2xx; `status` lets callers tell 404 (absent CRD) and 410 apart, and
 * `apiMessage` is the server's own message (without the request line) for a short explanation.
 */
export class KubeHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly apiMessage?: string,
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

type RequestOptions = {
  accept?: string;
  signal?: AbortSignal;
  /** Abort when the socket sits idle this long (a watch gets bookmarks, so silence means a dead peer). */
  idleTimeoutMs: number;
};

async function open(
  kubeConfig: KubeConfig,
  path: string,
  options: RequestOptions,
): Promise<http.IncomingMessage> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new KubeHttpError('no cluster in kube config');
  }
  const url = new URL(path, cluster.server);
  const requestOptions: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: options.accept ?? 'application/json' },
  };
  // Adds the bearer token, CA and TLS settings of the configured cluster.
  await kubeConfig.applyToHTTPSOptions(requestOptions);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      { ...requestOptions, signal: options.signal },
      res => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(res);
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          if (body.length < 2048) body += chunk;
        });
        res.on('end', () => {
          let message = body;
          try {
            message = JSON.parse(body).message ?? body;
          } catch {
            // not JSON: keep the text
          }
          reject(
            new KubeHttpError(
              `GET ${url.pathname} answered ${status}: ${message.slice(
                0,
                300,
              )}`,
              status,
              message.slice(0, 300),
            ),
          );
        });
      },
    );
    req.setTimeout(options.idleTimeoutMs, () => {
      req.destroy(
        new KubeHttpError(
          `GET ${url.pathname}: no data for ${options.idleTimeoutMs} ms`,
        ),
      );
    });
    // Socket errors name the server's address (connect ECONNREFUSED 10.0.0.1:6443); the code is enough.
    req.on('error', error => {
      if (error instanceof KubeHttpError || error.name === 'AbortError') {
        reject(error);
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      reject(
        new KubeHttpError(
          `GET ${url.pathname}: the API server is unreachable (${
            code ?? redactAddresses(error.message)
          })`,
        ),
      );
    });
    req.end();
  });
}

/** GET a JSON document from the API server. */
export async function kubeGetJson<T>(
  kubeConfig: KubeConfig,
  path: string,
  options: RequestOptions,
): Promise<T> {
  const res = await open(kubeConfig, path, options);
  const chunks: Buffer[] = [];
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

/** GET plain text (pod logs). */
export async function kubeGetText(
  kubeConfig: KubeConfig,
  path: string,
  options: RequestOptions & { maxBytes: number },
): Promise<string> {
  const res = await open(kubeConfig, path, { ...options, accept: '*/*' });
  let text = '';
  for await (const chunk of res) {
    text += chunk.toString();
    if (text.length > options.maxBytes) {
      res.destroy();
      break;
    }
  }
  return text;
}

/**
 * Streams a watch: calls `onEvent` for every newline-delimited JSON event and resolves when the server
 * ends the watch (its timeoutSeconds); rejects on any transport error.
 */
export async function kubeWatch(
  kubeConfig: KubeConfig,
  path: string,
  options: RequestOptions & {
    /** Called once the server has accepted the watch, before any event. */
    onOpen?: () => void;
    onEvent: (event: WatchEvent) => void;
  },
): Promise<void> {
  const res = await open(kubeConfig, path, options);
  options.onOpen?.();
  let buffer = '';
  res.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) {
          try {
            options.onEvent(JSON.parse(line));
          } catch (error) {
            res.destroy(error as Error);
            return;
          }
        }
        newline = buffer.indexOf('\n');
      }
    });
    res.on('end', resolve);
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new KubeHttpError('watch connection closed'));
    });
  });
}

export type WatchEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  /** The object as JSON; for ERROR a Status (`message`, `code`). */
  object: Wire<KubernetesObject> & { message?: string; code?: number };
};
