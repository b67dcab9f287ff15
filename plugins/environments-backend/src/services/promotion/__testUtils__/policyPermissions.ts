import {
  AuthService,
  BackendFeature,
  BackstageCredentials,
  BackstageUserInfo,
  BackstageUserPrincipal,
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionBackend from '@backstage/plugin-permission-backend';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { EnvironmentsPermissionPolicy } from '@envportal/plugin-environments-node';

/** The guest of the demo (no group): may promote into dev and staging only. */
export const GUEST = 'user:development/guest';

/** A member of group:default/release-managers: may promote anywhere. */
export const RELEASE_MANAGER = 'user:default/rita';

/** Another member of group:default/release-managers. */
export const SECOND_RELEASE_MANAGER = 'user:default/rob';

const DEMO_GROUPS: Record<string, string[]> = {
  [RELEASE_MANAGER]: ['group:default/release-managers'],
  [SECOND_RELEASE_MANAGER]: ['group:default/release-managers'],
};

/**
 * User info as the catalog gives it: each user owns what they are and the groups listed for them
 * in `groups`; a user not listed is a member of no group.
 */
function userInfoOf(groups: Record<string, string[]>): UserInfoService {
  return {
    async getUserInfo(
      credentials: BackstageCredentials,
    ): Promise<BackstageUserInfo> {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
      };
    },
  };
}

/** The demo's users and their groups, as the catalog gives them. */
export const demoUserInfo = userInfoOf(DEMO_GROUPS);

/** The demo's policy module as an adopter installs it (packages/backend/src/permissionPolicy.ts). */
const demoPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'environments-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new EnvironmentsPermissionPolicy(userInfo));
      },
    });
  },
});

/**
 * The test backend's mock auth, except that a plugin's request on behalf of a user names the plugin
 * as actor, as Backstage's auth does: the permission backend refuses resource permissions without a
 * resource from a user who calls it directly, and allows them from a plugin acting for the user.
 */
const actorKeepingAuth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(auth), {
      async getPluginRequestToken(
        options: Parameters<AuthService['getPluginRequestToken']>[0],
      ) {
        const { principal } = options.onBehalfOf;
        if (!auth.isPrincipal(options.onBehalfOf, 'user')) {
          return auth.getPluginRequestToken(options);
        }
        return {
          token: mockCredentials.user.token(
            (principal as BackstageUserPrincipal).userEntityRef,
            { actor: { subject: `plugin:${plugin.getId()}` } },
          ),
        };
      },
    }) as AuthService;
  },
});

/**
 * What a test backend needs for permissions to be decided as in the demo: Backstage's permission
 * backend with the demo's policy module, the real permissions service (client) in every plugin, and
 * user info that puts the release manager in group:default/release-managers. The root config must
 * set `permission.enabled: true` (see {@link PERMISSIONS_ENABLED}).
 */
export function demoPermissionFeatures(): BackendFeature[] {
  return [
    permissionBackend,
    demoPolicyModule,
    permissionsServiceFactory,
    actorKeepingAuth,
    createServiceFactory({
      service: coreServices.userInfo,
      deps: {},
      factory: () => demoUserInfo,
    }),
  ];
}

/** The config that turns the permission framework on. */
export const PERMISSIONS_ENABLED = { permission: { enabled: true } };

/**
 * A plugin's permissions service in a test backend running {@link demoPermissionFeatures}: each
 * decision goes over HTTP to the permission backend, which asks the demo's policy; a service
 * principal is allowed by Backstage's permission client without asking the policy, as in production.
 * Started on first use; the backend stops after the test file.
 */
let started: Promise<PermissionsService> | undefined;

export function demoPolicyPermissions(): Promise<PermissionsService> {
  started ??= startPermissionBackend();
  return started;
}

async function startPermissionBackend(): Promise<PermissionsService> {
  let permissions: PermissionsService | undefined;
  const client = createBackendPlugin({
    pluginId: 'permission-client',
    register(env) {
      env.registerInit({
        deps: { service: coreServices.permissions },
        async init({ service }) {
          permissions = service;
        },
      });
    },
  });
  await startTestBackend({
    features: [
      ...demoPermissionFeatures(),
      mockServices.rootConfig.factory({ data: PERMISSIONS_ENABLED }),
      client,
    ],
  });
  return permissions!;
}
