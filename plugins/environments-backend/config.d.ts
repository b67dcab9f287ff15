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
      /** Name of a cluster from kubernetes.clusterLocatorMethods. */
      cluster: string;
      /** Namespace the stage's workloads run in. */
      namespace: string;
    }>;
  };
}
