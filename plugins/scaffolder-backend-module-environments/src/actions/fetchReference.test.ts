import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import { createFetchReferenceAction } from './fetchReference';

describe('fetch:reference', () => {
  const repo = createMockDirectory();
  const workspace = createMockDirectory();
  const reader = { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() };

  beforeEach(() => {
    workspace.clear();
    repo.setContent({
      '.git': { HEAD: 'ref: refs/heads/main' },
      templates: { svc: { 'template.yaml': 'kind: Template' } },
      service: {
        'package.json': JSON.stringify({
          name: 'express-service',
          version: '0.1.0',
        }),
        'package-lock.json': JSON.stringify({
          name: 'express-service',
          packages: { '': { name: 'express-service' } },
        }),
        src: { 'app.ts': 'export {}' },
        node_modules: { x: { 'index.js': '' } },
        dist: { 'index.js': '' },
      },
      terraform: {
        envs: {
          dev: {
            'main.tf': '',
            'terraform.tfstate': '{}',
            '.terraform': { x: '' },
          },
        },
      },
    });
  });

  const action = (
    config: object = {},
    permissions = mockServices.permissions(),
  ) =>
    createFetchReferenceAction({
      config: new ConfigReader(config),
      reader: reader as any,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      permissions,
    });
  const run = (input: Record<string, any>, config: object = {}) => {
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
      templateInfo: {
        entityRef: 'template:default/svc',
        baseUrl: `file://${repo.resolve('templates/svc/template.yaml')}`,
      },
    });
    return action(config).handler(ctx as any);
  };

  it('copies a directory of the template repository without dependencies or build output, renamed', async () => {
    await run({
      path: 'service',
      targetPath: 'service',
      packageName: 'orders',
    });
    expect(
      readFileSync(join(workspace.path, 'service/src/app.ts'), 'utf8'),
    ).toBe('export {}');
    expect(existsSync(join(workspace.path, 'service/node_modules'))).toBe(
      false,
    );
    expect(existsSync(join(workspace.path, 'service/dist'))).toBe(false);
    expect(
      JSON.parse(
        readFileSync(join(workspace.path, 'service/package.json'), 'utf8'),
      ),
    ).toEqual({ name: 'orders', version: '0.1.0' });
    const lock = JSON.parse(
      readFileSync(join(workspace.path, 'service/package-lock.json'), 'utf8'),
    );
    expect([lock.name, lock.packages[''].name]).toEqual(['orders', 'orders']);
  });

  it('leaves Terraform state and provider caches behind', async () => {
    await run({ path: 'terraform', targetPath: 'terraform' });
    expect(existsSync(join(workspace.path, 'terraform/envs/dev/main.tf'))).toBe(
      true,
    );
    expect(
      existsSync(join(workspace.path, 'terraform/envs/dev/terraform.tfstate')),
    ).toBe(false);
    expect(
      existsSync(join(workspace.path, 'terraform/envs/dev/.terraform')),
    ).toBe(false);
  });

  it('refuses paths that leave the repository or the workspace', async () => {
    // The scaffolder checks the input pattern first; the handler still resolves paths safely.
    await expect(run({ path: '../../etc', targetPath: 'x' })).rejects.toThrow(
      /outside|not allowed|Relative path/i,
    );
    await expect(
      run({ path: 'service', targetPath: '../../tmp/x' }),
    ).rejects.toThrow(/outside|not allowed|Relative path/i);
  });

  it('says what is missing', async () => {
    await expect(run({ path: 'charts/nope', targetPath: 'x' })).rejects.toThrow(
      'charts/nope does not exist in',
    );
    await expect(
      run({ path: 'templates', targetPath: 't', packageName: 'x' }),
    ).rejects.toThrow('has no package.json');
  });

  it("reads the host's checkout only for a template the policy trusts", async () => {
    const ctx = createMockActionContext({
      input: { path: 'service', targetPath: 'service' },
      workspacePath: workspace.path,
      templateInfo: {
        entityRef: 'template:default/dry-run',
        baseUrl: `file://${repo.resolve('templates/svc/template.yaml')}`,
      },
    });
    await expect(
      action(
        {},
        mockServices.permissions({ result: AuthorizeResult.DENY }),
      ).handler(ctx as any),
    ).rejects.toThrow(
      'Not allowed: environments.template.execute for template:default/dry-run',
    );
    expect(existsSync(join(workspace.path, 'service'))).toBe(false);
  });

  it('uses the configured source root for a dry run, whose template has no location', async () => {
    const ctx = createMockActionContext({
      input: { path: 'service', targetPath: 'service' },
      workspacePath: workspace.path,
      templateInfo: {
        entityRef: 'template:default/dry-run',
        baseUrl: 'file:///tmp/dry-run-content/template.yaml',
      },
    });
    await action({
      environments: { templates: { sourceRoot: repo.path } },
    }).handler(ctx as any);
    expect(existsSync(join(workspace.path, 'service/src/app.ts'))).toBe(true);
  });
});

describe('fetch:reference input', () => {
  const action = createFetchReferenceAction({
    config: new ConfigReader({}),
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    permissions: mockServices.permissions(),
  });
  const input = { path: 'service', targetPath: 'service' };

  it.each(
    inputCases([
      input,
      { path: 'charts/express-service', targetPath: 'chart' },
      { ...input, packageName: 'orders' },
      { ...input, packageName: 'orders-api.v2_x' },
      { ...input, packageName: 'a'.repeat(214) },
    ]),
  )('accepts %s', (_, value) => expect(acceptsInput(action, value)).toBe(true));

  it.each(
    inputCases([
      { path: 'service' },
      { targetPath: 'service' },
      { ...input, path: '../../etc' },
      { ...input, targetPath: '/tmp/x' },
      { ...input, packageName: 'Orders' },
      { ...input, packageName: '-orders' },
      { ...input, packageName: 'orders api' },
      { ...input, packageName: 'a'.repeat(215) },
    ]),
  )('refuses %s', (_, value) =>
    expect(acceptsInput(action, value)).toBe(false),
  );
});
