import { entity } from './__testUtils__/fixtures';
import { isEnvironmentsAvailable } from './isEnvironmentsAvailable';

describe('isEnvironmentsAvailable', () => {
  it('offers the tab on every component, annotated or not', () => {
    expect(isEnvironmentsAvailable(entity())).toBe(true);
    expect(isEnvironmentsAvailable(entity({}))).toBe(true);
  });

  it('leaves other kinds alone', () => {
    expect(isEnvironmentsAvailable({ ...entity(), kind: 'API' })).toBe(false);
    expect(isEnvironmentsAvailable({ ...entity(), kind: 'System' })).toBe(
      false,
    );
  });
});
