export interface Config {
  environments?: {
    /**
     * The accounts the portal acts with in each stage, beside the read account (the cluster's
     * `serviceAccountToken` in kubernetes.clusterLocatorMethods). Each is a ServiceAccount bound in
     * this stage's namespace only; see the README's security section for the exact rules.
     */
    stages?: Array<{
      /**
       * Token of the account that promotes into this stage: patches its Deployments (image strategy)
       * or upgrades its Helm release (helm strategy). Without it the stage cannot be promoted into.
       * @visibility secret
       */
      promoteServiceAccountToken?: string;
      /**
       * Token of the account templates deploy a new service with (helm:upgrade). Only stages listed
       * in environments.templates.helmStages use it (default: the first stage).
       * @visibility secret
       */
      deployServiceAccountToken?: string;
    }>;
    templates?: {
      /**
       * Stages helm:upgrade may deploy to directly. Default: the first stage only; later stages are
       * reached by promotion, behind its gates and permissions.
       */
      helmStages?: string[];
    };
  };
}
