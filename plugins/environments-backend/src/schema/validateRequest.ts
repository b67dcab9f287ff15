import { InputError } from '@backstage/errors';
import Ajv, { ErrorObject } from 'ajv';
import { spec } from './openapi';
import type {
  ApprovalRequest,
  PreviewRequest,
  PromotionRequest,
  RollbackRequest,
} from './openapi/generated/models';

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
ajv.addSchema(spec, 'openapi');

/** The request bodies of the spec, for callers that do not come through HTTP (the MCP actions). */
type RequestBodies = {
  ApprovalRequest: ApprovalRequest;
  PreviewRequest: PreviewRequest;
  PromotionRequest: PromotionRequest;
  RollbackRequest: RollbackRequest;
};

/** "to: invalid stage name" where the schema has a title; ajv's own words otherwise. */
function describe(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '') || 'body';
  const title = (error.parentSchema as { title?: string } | undefined)?.title;
  if (error.keyword === 'pattern' && title) return `${field}: invalid ${title}`;
  return `${field} ${error.message}`;
}

/**
 * Validates a request body against its schema in src/schema/openapi.yaml, the same rules the HTTP
 * router applies, and returns it typed; throws InputError naming every problem.
 */
export function validateRequest<N extends keyof RequestBodies>(
  name: N,
  value: unknown,
): RequestBodies[N] {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name} in the OpenAPI spec`);
  if (!validate(value)) {
    throw new InputError((validate.errors ?? []).map(describe).join('; '));
  }
  return value as RequestBodies[N];
}
