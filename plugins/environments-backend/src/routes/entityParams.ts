import { InputError } from '@backstage/errors';
import { z } from 'zod';

// Entity names follow the catalog's rules; anything else is refused before it reaches a lookup.
const kind = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'invalid kind');
const namespace = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'invalid namespace');
const name = z
  .string()
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'invalid name');

const entityParamsSchema = z.object({ kind, namespace, name });

/** `:kind/:namespace/:name` from the path, validated; kinds are compared case-insensitively by the catalog. */
export function parseEntityParams(params: unknown) {
  const parsed = entityParamsSchema.safeParse(params);
  if (!parsed.success) {
    throw new InputError(
      `Invalid entity reference: ${parsed.error.issues
        .map(i => i.message)
        .join(', ')}`,
    );
  }
  return parsed.data;
}

export const stageNameSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'invalid stage name');

/** Parses a query object with zod, turning failures into InputError with every problem named. */
export function parseQuery<T extends z.ZodTypeAny>(
  schema: T,
  query: unknown,
): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new InputError(
      `Invalid query: ${parsed.error.issues
        .map(i => `${i.path.join('.') || 'query'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}
