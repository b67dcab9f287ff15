import { request } from 'node:https';
import { ClusterCredentials } from './stageTarget';

/** A non-2xx answer from the API server. */
export class KubeApiError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/**
 * GETs one JSON object from the Kubernetes API with the cluster's token. Small on purpose: the
 * actions read a Deployment and its ReplicaSets, nothing that needs a full client.
 */
export async function kubeGet<T>(
  cluster: ClusterCredentials,
  path: string,
  signal?: AbortSignal,
): Promise<T> {
  const url = new URL(path, cluster.url);
  return new Promise<T>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          Authorization: `Bearer ${cluster.serviceAccountToken}`,
          Accept: 'application/json',
        },
        ca: cluster.caPem,
        rejectUnauthorized: !cluster.skipTLSVerify,
        signal,
        timeout: 15_000,
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (body += chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve(JSON.parse(body) as T);
            return;
          }
          let message = body.slice(0, 300);
          try {
            message = JSON.parse(body).message ?? message;
          } catch {
            // not JSON: keep the raw start of the body
          }
          reject(
            new KubeApiError(
              status,
              `GET ${url.pathname}: ${status} ${message}`,
            ),
          );
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`GET ${url.pathname}: timed out`)),
    );
    req.on('error', reject);
    req.end();
  });
}
