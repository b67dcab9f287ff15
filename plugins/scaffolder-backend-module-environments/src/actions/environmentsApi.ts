import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

/**
 * POSTs to one entity's routes of the environments backend as the user who runs the task, so the
 * backend decides (permissions, gates) as if the user clicked. A refusal becomes the matching
 * Backstage error, with the backend's own reason, prefixed by `what` ("Promotion refused").
 */
export async function environmentsEntityApi(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  entityRef: string;
  initiator: BackstageCredentials;
  signal?: AbortSignal;
  what: string;
}) {
  let entity;
  try {
    entity = parseEntityRef(options.entityRef, { defaultKind: 'component' });
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
  const baseUrl = await options.discovery.getBaseUrl('environments');
  const entityPath = ['entities', entity.kind, entity.namespace, entity.name]
    .map(encodeURIComponent)
    .join('/');
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: options.initiator,
    targetPluginId: 'environments',
  });
  return {
    /**
     * The answer's status and body; a refusal throws, after `retry.attempts` tries when its status
     * is one of `retry.statuses` (an answer that may change within seconds).
     */
    async post(
      path: string,
      body: object,
      retry?: Retry,
    ): Promise<{ status: number; body: unknown }> {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${baseUrl}/${entityPath}/${path}`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(body),
          signal: options.signal,
        });
        if (response.ok) {
          return { status: response.status, body: await response.json() };
        }
        if (
          !retry ||
          attempt >= retry.attempts ||
          !retry.statuses.includes(response.status)
        ) {
          throw await refusal(response, options.what);
        }
        await response.body?.cancel();
        await sleep(retry.delayMs, undefined, { signal: options.signal });
      }
    },
  };
}

/** Which refusals are asked again, how often, and how far apart. */
export type Retry = { statuses: number[]; attempts: number; delayMs: number };

// The task log shows the environments backend's own reason (failed gate, missing permission).
async function refusal(response: Response, what: string): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  const reason = error.body?.error?.message ?? error.message;
  const message = `${what} (${response.status}): ${reason}`;
  switch (response.status) {
    case 400:
      return new InputError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return error;
  }
}
