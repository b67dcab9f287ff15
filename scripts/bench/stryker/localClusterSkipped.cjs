// Stands in for the scaffolder module's src/__testUtils__/localCluster.ts in mutation runs: no cluster
// is looked for, and every suite that needs one is skipped.
const { resolve } = require('node:path');

const noCluster = () => {
  throw new Error('mutation runs do not use the local cluster');
};

module.exports = {
  REPO_ROOT: resolve(__dirname, '../../..'),
  localClusterKubeconfig: () => undefined,
  describeWithCluster: (name, fn) => describe.skip(name, fn),
  kubectl: noCluster,
  localClusterConfig: noCluster,
  localClusterConfigData: noCluster,
  uninstallRelease: noCluster,
};
