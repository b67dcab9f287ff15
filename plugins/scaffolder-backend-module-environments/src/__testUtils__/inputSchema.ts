import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { validate } from 'jsonschema';

/**
 * Whether the scaffolder lets a task give `input` to the action: it validates step input against the
 * JSON Schema generated from the action's zod schema (not with zod itself).
 */
export function acceptsInput(
  action: TemplateAction<any, any, any>,
  input: unknown,
): boolean {
  return validate(input, action.schema!.input as any).valid;
}

/**
 * `[title, input]` rows for `it.each`: each input titled by its JSON, long strings and arrays cut
 * short so that boundary cases (e.g. 1,025 characters) keep a readable test name.
 */
export function inputCases<T>(inputs: T[]): Array<[string, T]> {
  return inputs.map(input => [JSON.stringify(input, shorten), input]);
}

function shorten(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.length > 40) {
    return `${value.slice(0, 3)}… (${value.length} characters)`;
  }
  if (Array.isArray(value) && value.length > 5) {
    return `(${value.length} items)`;
  }
  return value;
}
