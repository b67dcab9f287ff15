import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import { createFetchReferenceAction } from './fetchReference';
import { createHelmUpgradeAction } from './helmUpgrade';
import { createPromoteAction } from './promote';
import { createPublishLocalAction } from './publishLocal';
import { createRecordDeployAction } from './recordDeploy';
import { createRolloutStatusAction } from './rolloutStatus';
import { createStageAction } from './stage';
import { createTerraformApplyAction } from './terraformApply';
import { createTerraformPlanAction } from './terraformPlan';
import { createWaitForEntityAction } from './waitForEntity';

// The documented examples are what users copy: each must name its action and pass the input schema
// the scaffolder validates with (the JSON Schema generated from the zod schema).
const config = new ConfigReader({});
const access = readClusterAccess(config);
const permissions = mockServices.permissions();
const reference = {
  config,
  reader: mockServices.urlReader.mock(),
  integrations: ScmIntegrations.fromConfig(config),
  permissions,
};
const actions: TemplateAction<any, any, any>[] = [
  createStageAction({ access }),
  createFetchReferenceAction(reference),
  createPublishLocalAction({ config, permissions }),
  createWaitForEntityAction({ catalog: catalogServiceMock() }),
  createHelmUpgradeAction({ access, permissions }),
  createRolloutStatusAction({ access, permissions }),
  createPromoteAction({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    permissions,
  }),
  createRecordDeployAction({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    permissions,
  }),
  createTerraformPlanAction(reference),
  createTerraformApplyAction(reference),
];

describe.each(actions.map(action => [action.id, action] as const))(
  '%s examples',
  (id, action) => {
    it('exist and pass the input schema', () => {
      expect(action.examples?.length).toBeGreaterThan(0);
      for (const example of action.examples ?? []) {
        const steps = yaml
          .parse(example.example)
          .steps.filter((s: any) => s.action === id);
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) {
          const result = validate(
            step.input ?? {},
            action.schema!.input as any,
          );
          expect(result.errors.map(e => e.stack)).toEqual([]);
        }
      }
    });

    it('reject a path or name that leaves its place', () => {
      const bad = {
        path: '../x',
        targetPath: '../x',
        chart: '../x',
        workingDirectory: '../x',
        repoName: '../x',
        releaseName: '../x',
        stage: '../x',
        deployment: '../x',
        entityRef: '../x',
        from: '../x',
      };
      const keys = Object.keys(
        (action.schema!.input as any).properties ?? {},
      ).filter(k => k in bad);
      if (keys.length === 0) return;
      const input = Object.fromEntries(keys.map(k => [k, (bad as any)[k]]));
      expect(validate(input, action.schema!.input as any).valid).toBe(false);
    });
  },
);
