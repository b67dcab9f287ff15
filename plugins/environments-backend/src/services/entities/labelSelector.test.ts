import { matcherFromLabelSelector, parseLabelSelector } from './labelSelector';

describe('parseLabelSelector', () => {
  const labels = {
    app: 'orders',
    tier: 'web',
    'backstage.io/kubernetes-id': 'orders',
  };

  it.each([
    ['app=orders', true],
    ['app==orders,tier=web', true],
    ['app=orders,tier=db', false],
    ['app!=billing', true],
    ['tier in (web, db)', true],
    ['tier notin (web)', false],
    ['backstage.io/kubernetes-id', true],
    ['!canary', true],
    ['!app', false],
  ])('%s → %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each([
    '',
    'app=or ders',
    'app=="x"',
    'a in (x',
    '=x',
    'app=orders; rm -rf /',
  ])('refuses %j', selector => {
    expect(() => parseLabelSelector(selector)).toThrow();
  });
});

describe('matcherFromLabelSelector', () => {
  it('applies matchLabels and matchExpressions together', () => {
    const m = matcherFromLabelSelector({
      matchLabels: { app: 'orders' },
      matchExpressions: [
        { key: 'track', operator: 'NotIn', values: ['canary'] },
      ],
    });
    expect(m({ app: 'orders' })).toBe(true);
    expect(m({ app: 'orders', track: 'canary' })).toBe(false);
    expect(m({ app: 'billing' })).toBe(false);
  });
});
