import { createBackend } from '@backstage/backend-defaults';
import { ConfigSources } from '@backstage/config-loader';
import { demoUsersAuthModule } from './demoUsersAuth';
import { environmentsPermissionPolicyModule } from './permissionPolicy';
import { findConfigProblems } from './preflight';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

//

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// Test-only: sign in as a named demo user. Only with ENVPORTAL_DEMO_USERS=1 and
// auth.providers.demo-user (stage 80 sets both); never part of a deployed portal.
if (process.env.ENVPORTAL_DEMO_USERS === '1') {
  backend.add(demoUsersAuthModule);
}

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
// The demo policy: environments promotion by target stage (guest: dev and staging), everything else allowed.
backend.add(environmentsPermissionPolicyModule);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// environments plugins: per-stage status, checklist, metrics, promotion, and the scaffolder actions
backend.add(import('@envportal/plugin-environments-backend'));
backend.add(import('@envportal/plugin-scaffolder-backend-module-environments'));

async function main() {
  // Read the same config sources the backend will (--config flags, APP_CONFIG_* variables) and stop with
  // one clear line on a value that would otherwise fail deep inside every plugin.
  const config = await ConfigSources.toConfig(
    ConfigSources.default({ argv: process.argv }),
  );
  const problems = findConfigProblems(config);
  config.close();
  if (problems.length > 0) {
    process.stderr.write(`Invalid configuration: ${problems.join('; ')}\n`);
    process.exit(1);
  }
  await backend.start();
}

main().catch(error => {
  process.stderr.write(
    `Backend failed to start: ${
      error instanceof Error ? error.message : error
    }\n`,
  );
  process.exit(1);
});
