import { servicesRequired } from './describeWhenAvailable';

describe('servicesRequired', () => {
  const saved = {
    CI: process.env.CI,
    SERVICES: process.env.ENVPORTAL_SERVICES,
  };
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  afterEach(() => {
    restore('CI', saved.CI);
    restore('ENVPORTAL_SERVICES', saved.SERVICES);
  });

  it.each([
    ['true', undefined, true],
    ['1', undefined, true],
    ['true', 'none', false],
    ['', undefined, false],
    [undefined, undefined, false],
  ])('CI=%p ENVPORTAL_SERVICES=%p → %p', (ci, services, expected) => {
    restore('CI', ci);
    restore('ENVPORTAL_SERVICES', services);
    expect(servicesRequired()).toBe(expected);
  });
});
