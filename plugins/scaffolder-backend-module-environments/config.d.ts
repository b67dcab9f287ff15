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
       * terraform:plan and terraform:apply. Off unless enabled: Terraform runs provider code and
       * `external` data sources on the backend host, so it only ever runs on a fresh copy of the
       * reference `terraform/` directory under sourceRoot, never on workspace content.
       */
      terraform?: {
        /** Allow the Terraform actions at all. Default false. */
        enabled?: boolean;
      };
    };
  };
}
