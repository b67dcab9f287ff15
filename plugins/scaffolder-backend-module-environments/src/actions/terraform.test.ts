import { servicesRequired } from '@envportal/test-utils';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import { TerraformActionOptions } from '../terraform/prepareTerraform';
import { createTerraformApplyAction } from './terraformApply';
import { createTerraformPlanAction } from './terraformPlan';

// A configuration that needs no provider download: terraform_data is built in, state is local.
const MAIN_TF = `
variable "service_name" {
  type = string
}
variable "api_token" {
  type      = string
  sensitive = true
}
variable "queue_count" {
  type    = number
  default = 1
}
resource "terraform_data" "queue" {
  count = var.queue_count
  input = "\${var.service_name}-queue-\${count.index}"
}
output "queue_names" {
  value = terraform_data.queue[*].output
}
output "token_hint" {
  value     = var.api_token
  sensitive = true
}
`;
const SECRET = 's3cr3t-token-value';

const tools = ['terraform', 'tofu'].filter(tool =>
  (process.env.PATH ?? '')
    .split(':')
    .concat(join(process.env.HOME ?? '/root', '.cache/envportal/bin'))
    .some(dir => existsSync(join(dir, tool))),
);
process.env.PATH = `${process.env.PATH}:${join(
  process.env.HOME ?? '/root',
  '.cache/envportal/bin',
)}`;
if (tools.length === 0 && servicesRequired()) {
  throw new Error('neither terraform nor tofu is installed');
}

describe.each(tools)('terraform:plan and terraform:apply with %s', binary => {
  jest.setTimeout(120_000);
  // The reference repository (environments.templates.sourceRoot) and a task's workspace.
  const reference = createMockDirectory();
  const workspace = createMockDirectory();
  const marker = join(
    workspace.path,
    '..',
    `workspace-code-ran-${process.pid}`,
  );

  beforeEach(() => {
    reference.setContent({
      terraform: {
        infra: { 'main.tf': MAIN_TF, 'dev.tfvars': 'queue_count = 2\n' },
      },
    });
    // What a template author or user could put in the workspace: code that runs on the host.
    workspace.setContent({
      terraform: {
        infra: {
          'main.tf': MAIN_TF,
          'evil.tf': `resource "terraform_data" "evil" {\n  provisioner "local-exec" {\n    command = "touch ${marker}"\n  }\n}\n`,
        },
      },
    });
  });

  const options = (
    overrides: Partial<TerraformActionOptions> = {},
    enabled = true,
  ): TerraformActionOptions => {
    const config = new ConfigReader({
      environments: {
        templates: { sourceRoot: reference.path, terraform: { enabled } },
      },
    });
    return {
      config,
      reader: mockServices.urlReader.mock(),
      integrations: ScmIntegrations.fromConfig(config),
      permissions: mockServices.permissions(),
      ...overrides,
    };
  };
  const context = (isDryRun = false, extra: Record<string, unknown> = {}) => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: {
        workingDirectory: 'terraform/infra',
        varFile: 'terraform/infra/dev.tfvars',
        backendConfig: {},
        vars: { service_name: 'orders' },
        secretVars: ['api_token'],
        binary,
        ...extra,
      },
      secrets: { api_token: SECRET },
      workspacePath: workspace.path,
      logger,
      templateInfo: { entityRef: 'template:default/express-service' },
    });
    // Each call gets its own directory, as the scaffolder's does.
    ctx.createTemporaryDirectory = jest
      .fn()
      .mockImplementation(async () => createMockDirectory().path);
    return { ctx: { ...ctx, isDryRun }, logger };
  };
  const logged = (logger: ReturnType<typeof mockServices.logger.mock>) =>
    logger.info.mock.calls.map(call => String(call[0])).join('\n');
  const noState = () => {
    expect(readdirSync(join(reference.path, 'terraform/infra'))).not.toContain(
      'terraform.tfstate',
    );
    expect(readdirSync(join(workspace.path, 'terraform/infra'))).not.toContain(
      'terraform.tfstate',
    );
  };

  it("plans a fresh copy of the reference configuration, never the workspace's", async () => {
    const { ctx, logger } = context();
    await createTerraformPlanAction(options()).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('hasChanges', true);
    expect(ctx.output).toHaveBeenCalledWith(
      'summary',
      expect.stringMatching(/^Plan: 2 to add, 0 to change, 0 to destroy/),
    );
    expect(logged(logger)).toContain('terraform_data.queue[1]');
    expect(logged(logger)).not.toContain('terraform_data.evil');
    noState();
  });

  it('applies the reference configuration, returns the outputs and withholds sensitive ones; workspace code never runs', async () => {
    const { ctx, logger } = context();
    await createTerraformApplyAction(options()).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('outputs', {
      queue_names: ['orders-queue-0', 'orders-queue-1'],
      token_hint: '(sensitive)',
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'summary',
      expect.stringMatching(/^Apply complete! Resources: 2 added/),
    );
    expect(logged(logger)).not.toContain(SECRET);
    expect(existsSync(marker)).toBe(false);
    noState();
  });

  it('runs nothing in a dry run', async () => {
    for (const action of [
      createTerraformPlanAction(options()),
      createTerraformApplyAction(options()),
    ]) {
      const { ctx, logger } = context(true);
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith(
        'summary',
        'not run in a dry run',
      );
      expect(logged(logger)).not.toContain('terraform_data');
    }
  });

  it('masks a secret that the configuration prints in an error', async () => {
    reference.addContent({
      terraform: {
        infra: {
          'check.tf': `resource "terraform_data" "check" {\n  lifecycle {\n    precondition {\n      condition     = length(nonsensitive(var.api_token)) < 5\n      error_message = "token \${nonsensitive(var.api_token)} is too long"\n    }\n  }\n}\n`,
        },
      },
    });
    const { ctx, logger } = context();
    const failure = createTerraformPlanAction(options()).handler(ctx as any);
    await expect(failure).rejects.toThrow(/plan failed/);
    await expect(failure).rejects.not.toThrow(SECRET);
    expect(logged(logger)).toContain('token *** is too long');
    expect(logged(logger)).not.toContain(SECRET);
  });

  it('refuses a directory outside the reference terraform/ tree and a missing secret', async () => {
    await expect(
      createTerraformPlanAction(options()).handler(
        context(false, { workingDirectory: 'terraform/../../etc' }).ctx as any,
      ),
    ).rejects.toThrow(/outside|not allowed|Relative path/i);
    const { ctx } = context(false, { secretVars: ['not_given'] });
    await expect(
      createTerraformPlanAction(options()).handler(ctx as any),
    ).rejects.toThrow('Task secret "not_given" was not provided');
    noState();
  });
});

describe('terraform actions are closed by default', () => {
  const config = (terraform?: object) =>
    new ConfigReader({ environments: { templates: { terraform } } });
  const run = (
    terraform: object | undefined,
    permissions = mockServices.permissions(),
  ) => {
    const ctx = createMockActionContext({
      input: { workingDirectory: 'terraform/envs/dev' },
      templateInfo: { entityRef: 'template:default/dry-run' },
    });
    return createTerraformPlanAction({
      config: config(terraform),
      reader: mockServices.urlReader.mock(),
      integrations: ScmIntegrations.fromConfig(config()),
      permissions,
    }).handler(ctx as any);
  };

  it('refuses to run unless enabled in config', async () => {
    await expect(run(undefined)).rejects.toThrow(
      'The Terraform actions are off; enable them with environments.templates.terraform.enabled',
    );
  });

  it('refuses a template the policy does not trust, even when enabled', async () => {
    await expect(
      run(
        { enabled: true },
        mockServices.permissions({ result: AuthorizeResult.DENY }),
      ),
    ).rejects.toThrow(
      'Not allowed: environments.template.execute for template:default/dry-run',
    );
  });
});

describe('terraform:plan and terraform:apply input', () => {
  const config = new ConfigReader({});
  const options: TerraformActionOptions = {
    config,
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(config),
    permissions: mockServices.permissions(),
  };
  const plan = createTerraformPlanAction(options);
  const input = { workingDirectory: 'terraform/envs/dev' };

  it('is the same for both actions', () => {
    expect(createTerraformApplyAction(options).schema?.input).toEqual(
      plan.schema?.input,
    );
  });

  it.each(
    inputCases([
      input,
      { workingDirectory: 'terraform' },
      { ...input, varFile: 'terraform/envs/dev/terraform.tfvars' },
      { ...input, backendConfig: { bucket: 'x'.repeat(1024) } },
      {
        ...input,
        vars: { name: 'x'.repeat(4096), replicas: 2, public: false },
      },
      { ...input, secretVars: ['api_token', '_x', `a${'b'.repeat(63)}`] },
      { ...input, binary: 'terraform' },
      { ...input, binary: 'tofu' },
    ]),
  )('accepts %s', (_, value) => expect(acceptsInput(plan, value)).toBe(true));

  it.each(
    inputCases([
      {},
      { workingDirectory: 'envs/dev' },
      { workingDirectory: 'x/terraform' },
      { workingDirectory: 'terraformx' },
      { workingDirectory: 'terraform/../etc' },
      { workingDirectory: 'terraform/envs/../../etc' },
      { workingDirectory: 'terraform/envs/..' },
      { ...input, varFile: 'envs/dev.tfvars' },
      { ...input, backendConfig: { bucket: 'x'.repeat(1025) } },
      { ...input, backendConfig: { bucket: 1 } },
      { ...input, vars: { name: 'x'.repeat(4097) } },
      { ...input, vars: { tags: { a: 'b' } } },
      { ...input, secretVars: ['1token'] },
      { ...input, secretVars: ['api.token'] },
      { ...input, secretVars: [`a${'b'.repeat(64)}`] },
      { ...input, binary: 'bash' },
    ]),
  )('refuses %s', (_, value) => expect(acceptsInput(plan, value)).toBe(false));
});
