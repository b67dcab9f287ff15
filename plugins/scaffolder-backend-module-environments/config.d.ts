export interface Config {
  environments?: {
    /** Settings of the "Create service" template's actions. */
    templates?: {
      /**
       * Checkout of the repository that holds service/, charts/ and terraform/, for fetch:reference.
       * Default: the git checkout above a template read from a file location. Needed for dry runs,
       * whose template has no location.
       */
      sourceRoot?: string;
      /**
       * Directory where publish:local creates one git repository per new service (offline demo).
       * Keep it outside the portal's own checkout. Unset: publish:local refuses to run.
       */
      localPublishDir?: string;
      /**
       * Stages helm:upgrade may deploy to directly. Default: the first stage only; later stages are
       * reached by promotion, behind its gates and permissions.
       */
      helmStages?: string[];
    };
  };
}
