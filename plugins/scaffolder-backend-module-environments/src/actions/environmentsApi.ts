import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
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
    async post(path: string, body: object): Promise<unknown> {
      const response = await fetch(`${baseUrl}/${entityPath}/${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: options.signal,
      });
      if (!response.ok) throw await refusal(response, options.what);
      return response.json();
    },
  };
}

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
