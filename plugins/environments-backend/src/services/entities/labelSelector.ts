/**
 * Parses the Kubernetes label selector syntax of the `backstage.io/kubernetes-label-selector`
 * annotation (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) into a matcher.
 */
export type LabelMatcher = (
  labels: Record<string, string> | undefined,
) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_./]{0,251}[a-z0-9A-Z])?)$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current.trim());
  return terms.filter(Boolean);
}

function parseTerm(term: string): LabelMatcher {
  const check = (key: string, values: string[]) => {
    if (!KEY.test(key) || !values.every(v => VALUE.test(v))) {
      throw new Error(`invalid label selector term "${term}"`);
    }
  };
  const setBased = term.match(/^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/);
  if (setBased) {
    const [, key, op, list] = setBased;
    const values = list
      .split(',')
      .map(v => v.trim())
      .filter(Boolean);
    check(key, values);
    return l =>
      op === 'in'
        ? l?.[key] !== undefined && values.includes(l[key])
        : l?.[key] === undefined || !values.includes(l[key]);
  }
  const equality = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/);
  if (equality) {
    const [, key, op, value] = equality;
    check(key, [value]);
    return l => (op === '!=' ? l?.[key] !== value : l?.[key] === value);
  }
  const absent = term.match(/^!\s*(\S+)$/);
  if (absent) {
    const key = absent[1];
    check(key, []);
    return l => l?.[key] === undefined;
  }
  const present = term.match(/^(\S+)$/);
  if (present) {
    const key = present[1];
    check(key, []);
    return l => l?.[key] !== undefined;
  }
  throw new Error(`invalid label selector term "${term}"`);
}

export function parseLabelSelector(selector: string): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const term of splitTerms(selector)) {
    tests.push(parseTerm(term));
  }
  if (tests.length === 0) throw new Error('empty label selector');
  return labels => tests.every(t => t(labels));
}

/** Matcher for a Kubernetes LabelSelector object (matchLabels + matchExpressions). */
export function matcherFromLabelSelector(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{
          key: string;
          operator: string;
          values?: string[];
        }>;
      }
    | undefined,
): LabelMatcher {
  const matchLabels = selector?.matchLabels ?? {};
  const expressions = selector?.matchExpressions ?? [];
  return labels =>
    Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v) &&
    expressions.every(e => {
      const value = labels?.[e.key];
      switch (e.operator) {
        case 'In':
          return value !== undefined && (e.values ?? []).includes(value);
        case 'NotIn':
          return value === undefined || !(e.values ?? []).includes(value);
        case 'Exists':
          return value !== undefined;
        case 'DoesNotExist':
          return value === undefined;
        default:
          return false;
      }
    });
}
