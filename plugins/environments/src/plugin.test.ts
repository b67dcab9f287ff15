import environmentsFrontendPlugin from './index';

describe('the default export (new frontend system)', () => {
  it('contributes the API, the Environments tab and the overview card', () => {
    // What app discovery (app.packages: all) looks for in the package's default export.
    expect(environmentsFrontendPlugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(environmentsFrontendPlugin.pluginId).toBe('environments');
    // The ids apps use to configure or disable these in app-config's app.extensions.
    for (const id of [
      'api:environments',
      'entity-content:environments/environments',
      'entity-card:environments/environments',
    ] as const) {
      expect(() => environmentsFrontendPlugin.getExtension(id)).not.toThrow();
    }
  });
});
