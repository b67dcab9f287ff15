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

export function parseLabelSelector(selector: string): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const term of splitTerms(selector)) {
    let m: RegExpMatchArray | null;
    const check = (key: string, values: string[]) => {
      if (!KEY.test(key) || !values.every(v => VALUE.test(v))) {
        throw new Error(`invalid label selector term "${term}"`);
      }
    };
    if ((m = term.match(/^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m;
      const values = list
        .split(',')
        .map(v => v.trim())
        .filter(Boolean);
      check(key, values);
      tests.push(l =>
        op === 'in'
          ? l?.[key] !== undefined && values.includes(l[key])
          : l?.[key] === undefined || !values.includes(l[key]),
      );
    } else if ((m = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      const [, key, op, value] = m;
      check(key, [value]);
      tests.push(l => (op === '!=' ? l?.[key] !== value : l?.[key] === value));
    } else if ((m = term.match(/^!\s*(\S+)$/))) {
      check(m[1], []);
      const key = m[1];
      tests.push(l => l?.[key] === undefined);
    } else if ((m = term.match(/^(\S+)$/))) {
      check(m[1], []);
      const key = m[1];
      tests.push(l => l?.[key] !== undefined);
    } else {
      throw new Error(`invalid label selector term "${term}"`);
    }
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
