/** A DNS-1123 label: what Kubernetes accepts as a namespace or object name part. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_MESSAGE =
  'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

/**
 * A relative path that stays inside the workspace: no leading "/", no ".." segment, no backslash or
 * control characters. resolveSafeChildPath checks again after symlinks are resolved.
 */
export const WORKSPACE_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._\-/]+$/;

/**
 * An entity reference, `kind:name` or `kind:namespace/name`. Both cases are spelled out instead of an
 * `i` flag: the JSON Schema the scaffolder validates with keeps a pattern's source but not its flags.
 */
export const ENTITY_REF =
  /^[A-Za-z]+:([A-Za-z0-9-]+\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ENTITY_REF_MESSAGE =
  'must be an entity reference such as component:default/orders';
