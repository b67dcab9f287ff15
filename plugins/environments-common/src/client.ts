import crossFetch from 'cross-fetch';
import { DefaultApiClient } from './schema/openapi/generated/apis';

/**
 * The spec's header parameters: the name a request's `header` object gives each (camelCase, as the
 * client is generated) and the name the backend reads on the wire.
 */
export const HEADER_PARAMETERS: Readonly<Record<string, string>> = {
  idempotencyKey: 'Idempotency-Key',
};

type FetchInit = Parameters<typeof fetch>[1];

/**
 * The generated client sends a request's `header` object as it is, so `{ idempotencyKey }` would go
 * out as an `idempotencyKey` header that the backend never reads, and a retry would start a second
 * promotion. This puts each header parameter under its spec name and leaves out unset ones.
 */
function withSpecHeaderNames(init: FetchInit): FetchInit {
  const headers = init?.headers;
  if (!headers || Array.isArray(headers) || headers instanceof Headers) {
    return init;
  }
  const named: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) named[HEADER_PARAMETERS[name] ?? name] = value;
  }
  return { ...init, headers: named };
}

/**
 * A typed client of the environments backend, generated from its OpenAPI spec; header parameters such
 * as `header: { idempotencyKey }` are sent under their spec names (`Idempotency-Key`).
 * @public
 */
export class EnvironmentsApiClient extends DefaultApiClient {
  constructor(options: ConstructorParameters<typeof DefaultApiClient>[0]) {
    const fetchApi = options.fetchApi ?? { fetch: crossFetch };
    super({
      discoveryApi: options.discoveryApi,
      fetchApi: {
        fetch: (input, init) =>
          fetchApi.fetch(input, withSpecHeaderNames(init)),
      },
    });
  }
}
