/* eslint-disable jest/no-export */
/*
 * The running portal a suite talks to, as scripts/test.d/73-trust-boundary.sh started it: its base
 * URL, a guest token, and the local cluster's admin kubeconfig for checking what changed. Without it
 * a suite fails under CI and is skipped, loudly, elsewhere.
 */
import { describeWhenAvailable } from '@envportal/test-utils';
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
  /** A static token of backend.auth.externalAccess: a tool's or an agent's service principal. */
  serviceToken?: string;
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
    serviceToken: env.ENVPORTAL_PORTAL_IT_SERVICE_TOKEN,
  };
}

/**
 * `describe` for suites that need the running portal (and, with `serviceToken`, a static token of
 * a service principal it accepts).
 */
export function describeWithPortal(
  name: string,
  fn: () => void,
  options: { serviceToken?: boolean } = {},
) {
  describeWhenAvailable(
    name,
    {
      available:
        available &&
        (!options.serviceToken ||
          Boolean(env.ENVPORTAL_PORTAL_IT_SERVICE_TOKEN)),
      needs: options.serviceToken
        ? 'the running portal with a service token (ENVPORTAL_PORTAL_IT_*; scripts/test.d/79-mcp.sh starts it)'
        : 'the running portal (ENVPORTAL_PORTAL_IT_*; scripts/test.d/73-trust-boundary.sh starts it)',
    },
    fn,
  );
}
