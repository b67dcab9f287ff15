/* eslint-disable jest/no-export */

/**
 * Whether a suite that needs outside services (a cluster, Prometheus, PostgreSQL, a running portal)
 * must have them: under CI (`CI=true`) it must, so a stage can never pass having tested nothing. Only
 * the unit stage says otherwise (`ENVPORTAL_SERVICES=none`), because those suites run in the later
 * stages that start their services.
 */
export function servicesRequired(): boolean {
  const ci = process.env.CI;
  return (
    (ci === 'true' || ci === '1') && process.env.ENVPORTAL_SERVICES !== 'none'
  );
}

/**
 * `describe` for a suite that needs `needs` (e.g. "the local cluster (scripts/local-cluster up)").
 * When it is not available the suite fails if {@link servicesRequired}, else is skipped with a
 * warning that names what was missing.
 */
export function describeWhenAvailable(
  name: string,
  options: { available: boolean; needs: string },
  fn: () => void,
): void {
  if (options.available) {
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
    describe(name, fn);
    return;
  }
  if (servicesRequired()) {
    // eslint-disable-next-line jest/valid-title
    describe(name, () => {
      // eslint-disable-next-line jest/expect-expect
      it(`needs ${options.needs}`, () => {
        throw new Error(
          `${options.needs} is not available, and under CI a suite never skips`,
        );
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED "${name}": it needs ${options.needs}`);
  // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests
  describe.skip(name, fn);
}
