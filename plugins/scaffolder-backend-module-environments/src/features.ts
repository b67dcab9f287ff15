import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { catalogModuleLocalPublish } from './catalogModule';
import { scaffolderModuleEnvironments } from './module';

/**
 * Everything this package adds to a backend: the scaffolder actions, and the catalog module that
 * registers locally published services (inactive unless environments.templates.localPublishDir is set).
 * One `backend.add(import('@envportal/plugin-scaffolder-backend-module-environments'))` adds both.
 *
 * @public
 */
export const environmentsScaffolderFeatures = createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleEnvironments;
    yield catalogModuleLocalPublish;
  },
});
