export interface Config {
  /** Configuration of the environments plugins. */
  environments?: {
    /**
     * The ordered stages a service moves through, first to last (e.g. dev, staging, prod).
     * @visibility frontend
     */
    stages?: Array<{
      /** Stage name, a DNS-1123 label. @visibility frontend */
      name: string;
      /** Name of a cluster from kubernetes.clusterLocatorMethods (type config). */
      cluster: string;
      /** Namespace the stage's workloads run in. */
      namespace: string;
      /**
       * Base URL of the service in this stage; the checklist probes `<healthUrl>/health/live` and
       * `/health/ready`. Without it the health item is unknown (the backend cannot reach pod IPs).
       */
      healthUrl?: string;
      /** Promotion into this stage needs the approval path (e.g. prod). @visibility frontend */
      requiresApproval?: boolean;
    }>;
    /** The Prometheus that scrapes the services; metrics and some checklist items read it. */
    prometheus?: {
      /** Base URL, e.g. http://127.0.0.1:9090. */
      url: string;
      /**
       * Full Authorization header value sent to Prometheus (e.g. `Bearer ...`).
       * @visibility secret
       */
      authorization?: string;
    };
    /** Metric gate thresholds for promotion; defaults follow the seed's alerting rules. */
    gates?: {
      /** Highest 5xx ratio, 0..1. Default 0.01. */
      errorRate?: number;
      /** Highest p95 latency in seconds. Default 0.5. */
      latencyP95Seconds?: number;
      /** Lowest non-5xx ratio, 0..1. Default 0.999. */
      successRate?: number;
      /** Highest restart count of any pod. Default 5. */
      maxRestarts?: number;
    };
    /** Per-cluster deadline of one answer, in milliseconds; a slower cluster is reported as an error. Default 3000. */
    clusterDeadlineMs?: number;
    /**
     * Pods listed per stage in the status answer (not ready first, then most restarts); `podCount`
     * gives the total. Default 100; the answer size, and so its latency, grows with it.
     */
    statusPodLimit?: number;
    /** How promotion works: gates, leases across replicas, and each stage's strategy. */
    promotion?: {
      /**
       * Seconds a replica holds a running promotion without renewing it (it renews every third of
       * this); after that another replica takes it over. Default 30, 5 to 600.
       */
      leaseSeconds?: number;
      /** The source stage's metric gates look at this window, in seconds. Default 600. */
      gateWindowSeconds?: number;
      /** Fewer requests than this in the window is "insufficient data", not a pass. Default 100. */
      minRequests?: number;
      /** Path of the helm binary for the helm strategy. Default: helm on PATH. */
      helmPath?: string;
      /**
       * Checklist items that must pass (not merely be unknown) for the checklist gate to pass.
       * Default: pods-ready, resources-created, resource-limits, non-root.
       */
      requiredChecklistItems?: string[];
      /**
       * Stages tools and agents (service principals, e.g. an MCP client with a
       * backend.auth.externalAccess token) may promote and roll back into. Backstage's permission
       * client lets service principals through without asking the policy, so this list decides.
       * Default: none. They never override gates or run templates.
       */
      servicePrincipalStages?: string[];
      /**
       * Stages tools (CI with a backend.auth.externalAccess token) may record a deploy into, as the
       * stage's drift baseline (POST /entities/…/deploys). The same reason as above: the policy is
       * not asked for service principals. Default: none.
       */
      serviceDeployRecordStages?: string[];
      /** Per target stage (by name): how promotion into it is carried out and verified. */
      stages?: {
        [stage: string]: {
          /** `image` patches the Deployment's image; `helm` upgrades the stage's release. Default image. */
          strategy?: 'image' | 'helm';
          /** Container whose image is promoted. Default: the Deployment's first container. */
          container?: string;
          /** Seconds the new version is held and watched before its gates are checked again. Default 30. */
          soakSeconds?: number;
          /** Seconds the rollout may take before it is rolled back. Default 180. */
          rolloutTimeoutSeconds?: number;
          /** Stages that may promote straight into this one, skipping those between. */
          allowSkipFrom?: string[];
          /** The release the helm strategy upgrades. */
          helm?: {
            release: string;
            /** Chart path or reference given to `helm upgrade`. */
            chart: string;
            /** The stage's values files, in order. */
            valuesFiles?: string[];
          };
          /**
           * Promotions into this stage wait for approvals before they run (their gates are evaluated
           * again when the last approval arrives).
           */
          approval?: {
            /** Approvals needed, 1–10. Default 1. */
            required?: number;
            /** Users or groups (ownership refs, e.g. `group:default/release-managers`) who may approve. */
            approvers: string[];
            /** Whether the requester may approve their own promotion. Default false. */
            allowRequester?: boolean;
            /** Seconds a request waits for its approvals before it expires. Default 86400 (24 h). */
            validForSeconds?: number;
          };
          /** When promotions into this stage may run: RFC 5545 recurrence rules in a time zone. */
          window?: {
            /** IANA time zone of every rule, e.g. `Europe/Berlin`. */
            timeZone: string;
            /**
             * Open only inside one of these (none: open unless denied). `start`/`end` are the first
             * occurrence as local date-times (`2026-01-05T09:00`); `rrule` repeats it
             * (`FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`).
             */
            allow?: Array<{ start: string; end: string; rrule?: string }>;
            /** Closed inside any of these, e.g. `{ start: 2026-12-20T00:00, end: 2027-01-04T00:00 }`. */
            deny?: Array<{ start: string; end: string; rrule?: string }>;
            /** A promotion asked for while closed: `refuse` (default, with the next opening) or `queue`. */
            outside?: 'refuse' | 'queue';
          };
        };
      };
    };
  };
}
