import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe.each(tools)('terraform:plan and terraform:apply with %s', binary => {
  jest.setTimeout(120_000);
  const workspace = createMockDirectory();

  beforeEach(() => {
    workspace.setContent({
      infra: { 'main.tf': MAIN_TF, 'dev.tfvars': 'queue_count = 2\n' },
    });
  });

  const context = (isDryRun = false, extra: Record<string, unknown> = {}) => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: {
        workingDirectory: 'infra',
        varFile: 'infra/dev.tfvars',
        backendConfig: {},
        vars: { service_name: 'orders' },
        secretVars: ['api_token'],
        binary,
        ...extra,
      },
      secrets: { api_token: SECRET },
      workspacePath: workspace.path,
      logger,
    });
    const tmp = createMockDirectory();
    ctx.createTemporaryDirectory = jest.fn().mockResolvedValue(tmp.path);
    return { ctx: { ...ctx, isDryRun }, logger };
  };
  const logged = (logger: ReturnType<typeof mockServices.logger.mock>) =>
    logger.info.mock.calls.map(call => String(call[0])).join('\n');
  const stateFile = () => join(workspace.path, 'infra', 'terraform.tfstate');

  it('plans the changes from the var file and writes no state', async () => {
    const { ctx, logger } = context();
    await createTerraformPlanAction().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('hasChanges', true);
    expect(ctx.output).toHaveBeenCalledWith(
      'summary',
      expect.stringMatching(/^Plan: 2 to add, 0 to change, 0 to destroy/),
    );
    expect(logged(logger)).toContain('terraform_data.queue[1]');
    expect(existsSync(stateFile())).toBe(false);
  });

  it('in a dry run of apply stops after the plan', async () => {
    const { ctx } = context(true);
    await createTerraformApplyAction().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('outputs', {});
    expect(existsSync(stateFile())).toBe(false);
  });

  it('applies, returns the outputs and withholds sensitive ones', async () => {
    const { ctx, logger } = context();
    await createTerraformApplyAction().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('outputs', {
      queue_names: ['orders-queue-0', 'orders-queue-1'],
      token_hint: '(sensitive)',
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'summary',
      expect.stringMatching(/^Apply complete! Resources: 2 added/),
    );
    expect(readFileSync(stateFile(), 'utf8')).toContain('orders-queue-1');
    expect(logged(logger)).not.toContain(SECRET);

    // A second plan against that state has nothing to do.
    const again = context();
    await createTerraformPlanAction().handler(again.ctx as any);
    expect(again.ctx.output).toHaveBeenCalledWith('hasChanges', false);
  });

  it('masks a secret that the configuration prints in an error', async () => {
    workspace.addContent({
      infra: {
        'check.tf': `resource "terraform_data" "check" {\n  lifecycle {\n    precondition {\n      condition     = length(nonsensitive(var.api_token)) < 5\n      error_message = "token \${nonsensitive(var.api_token)} is too long"\n    }\n  }\n}\n`,
      },
    });
    const { ctx, logger } = context();
    const failure = createTerraformPlanAction().handler(ctx as any);
    await expect(failure).rejects.toThrow(/plan failed/);
    await expect(failure).rejects.not.toThrow(SECRET);
    expect(logged(logger)).toContain('token *** is too long');
    expect(logged(logger)).not.toContain(SECRET);
  });

  it('refuses a var file outside the workspace and a missing secret', async () => {
    await expect(
      createTerraformPlanAction().handler(
        context(false, { varFile: '../../etc/passwd' }).ctx as any,
      ),
    ).rejects.toThrow(/outside|workspace/i);
    const { ctx } = context(false, { secretVars: ['not_given'] });
    await expect(
      createTerraformPlanAction().handler(ctx as any),
    ).rejects.toThrow('Task secret "not_given" was not provided');
    expect(readdirSync(join(workspace.path, 'infra'))).not.toContain(
      'terraform.tfstate',
    );
  });
});
