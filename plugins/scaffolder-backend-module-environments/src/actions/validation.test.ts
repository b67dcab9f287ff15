import { DNS_LABEL, ENTITY_REF, WORKSPACE_PATH } from './validation';

describe('DNS_LABEL', () => {
  it.each(['a', '7', 'dev', 'orders-api', `a${'-'.repeat(61)}z`])(
    'accepts %p',
    name => expect(DNS_LABEL.test(name)).toBe(true),
  );

  it.each([
    '',
    '-dev',
    'dev-',
    'Dev',
    'dev_1',
    'dev.1',
    'dev/x',
    '../x',
    'a'.repeat(64),
  ])('refuses %p', name => expect(DNS_LABEL.test(name)).toBe(false));
});

describe('WORKSPACE_PATH', () => {
  it.each([
    'chart',
    'charts/express-service',
    'envs/dev/values.yaml',
    '.github/workflows',
    'a/..b/c..',
  ])('accepts %p', path => expect(WORKSPACE_PATH.test(path)).toBe(true));

  it.each([
    '',
    '/etc',
    '..',
    '../x',
    'a/../../x',
    'charts/..',
    'a\\b',
    'a b',
    'a\nb',
    'a:b',
  ])('refuses %p', path => expect(WORKSPACE_PATH.test(path)).toBe(false));
});

describe('ENTITY_REF', () => {
  it.each([
    'component:orders',
    'component:default/orders',
    'Component:default/Orders',
    'api:team-a/orders.v2_x',
  ])('accepts %p', ref => expect(ENTITY_REF.test(ref)).toBe(true));

  it.each([
    'orders',
    'component:',
    ':orders',
    'component:default/',
    '1component:orders',
    'component:default/orders/x',
    'component:default/-orders',
    'component:default/orders x',
  ])('refuses %p', ref => expect(ENTITY_REF.test(ref)).toBe(false));
});
