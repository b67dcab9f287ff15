/* eslint-disable jest/no-export */
/*
 * The running portal a suite talks to, as scripts/test.d/73-trust-boundary.sh started it: its base
 * URL, a guest token, and the local cluster's admin kubeconfig for checking what changed. Without it
 * a suite is skipped with a message, except under ENVPORTAL_PORTAL_IT_REQUIRED=1, where that fails.
 */
import { join } from 'node:path';

export type PortalUnderTest = {
  baseUrl: string;
  /** `Bearer <guest token>` */
  guest: string;
  adminKubeconfig: string;
  kubectl: string;
  helm: string;
  /** A loopback port the backend may read URLs from (backend.reading.allow), for served fixtures. */
  fixturePort?: string;
};

const env = process.env;
const available = Boolean(
  env.ENVPORTAL_PORTAL_IT_BASE_URL &&
    env.ENVPORTAL_PORTAL_IT_TOKEN &&
    env.ENVPORTAL_PORTAL_IT_KUBECONFIG,
);

export function portalUnderTest(): PortalUnderTest {
  const bin =
    env.ENVPORTAL_BIN ?? join(env.HOME ?? '/root', '.cache/envportal/bin');
  return {
    baseUrl: env.ENVPORTAL_PORTAL_IT_BASE_URL!,
    guest: `Bearer ${env.ENVPORTAL_PORTAL_IT_TOKEN}`,
    adminKubeconfig: env.ENVPORTAL_PORTAL_IT_KUBECONFIG!,
    kubectl: join(bin, 'kubectl'),
    helm: join(bin, 'helm'),
    fixturePort: env.ENVPORTAL_PORTAL_IT_FIXTURE_PORT,
  };
}

/** `describe` for suites that need the running portal. */
export function describeWithPortal(name: string, fn: () => void) {
  if (!available && env.ENVPORTAL_PORTAL_IT_REQUIRED === '1') {
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
    describe(name, () => {
      it('needs the running portal (ENVPORTAL_PORTAL_IT_*)', () => {
        expect(available).toBe(true);
      });
    });
    return;
  }
  if (!available) {
    // eslint-disable-next-line no-console
    console.warn(
      `skipping "${name}": no running portal (scripts/test.d/73-trust-boundary.sh runs it)`,
    );
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests
    describe.skip(name, fn);
    return;
  }
  // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
  describe(name, fn);
}
