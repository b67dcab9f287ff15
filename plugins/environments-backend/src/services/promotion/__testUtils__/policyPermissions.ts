import type {
  BackstageCredentials,
  BackstageUserInfo,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EnvironmentsPermissionPolicy } from '@envportal/plugin-environments-node';

/**
 * User info as the catalog gives it: each user owns what they are and the groups listed for them
 * in `groups`; a user not listed is a member of no group.
 */
export function userInfoOf(
  groups: Record<string, string[]>,
): Pick<UserInfoService, 'getUserInfo'> {
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

/**
 * The permissions service a plugin gets with permissions enabled and `policy` installed, asked with
 * the caller's credentials. As Backstage's permission client does, a service principal (without
 * access restrictions) is allowed without asking the policy; as the permission backend does, a user
 * reaches the policy with their user info, anyone else with no user, and a conditional decision goes
 * back to the plugin to apply.
 */
export function policyPermissions(
  policy: Pick<EnvironmentsPermissionPolicy, 'handle'>,
  userInfo: Pick<UserInfoService, 'getUserInfo'>,
): PermissionsService {
  return {
    async authorize() {
      throw new Error(
        'the environments plugins ask for conditional decisions only',
      );
    },
    async authorizeConditional(requests, { credentials }) {
      const type = (credentials.principal as { type?: string }).type;
      if (type === 'service') {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      }
      const user =
        type === 'user'
          ? { credentials, info: await userInfo.getUserInfo(credentials) }
          : undefined;
      return Promise.all(
        requests.map(({ permission }) => policy.handle({ permission }, user)),
      ) as ReturnType<PermissionsService['authorizeConditional']>;
    },
  };
}

/** The guest of the demo (no group): may promote into dev and staging only. */
export const GUEST = 'user:development/guest';

/** A member of group:default/release-managers: may promote anywhere. */
export const RELEASE_MANAGER = 'user:default/rita';

/** The demo's policy with its default options, the release manager in the release managers' group. */
export function demoPolicyPermissions(): PermissionsService {
  const userInfo = userInfoOf({
    [RELEASE_MANAGER]: ['group:default/release-managers'],
  });
  return policyPermissions(
    new EnvironmentsPermissionPolicy(userInfo),
    userInfo,
  );
}
