import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import { createPublishLocalAction } from './publishLocal';

/** A git configuration that runs a command (creating `marker`) on `git add`. */
const fsmonitorConfig = (marker: string) =>
  `[core]\n\tfsmonitor = "touch ${marker}; false"\n`;

describe('publish:local', () => {
  const publishDir = createMockDirectory();
  const workspace = createMockDirectory();
  const config = new ConfigReader({
    environments: { templates: { localPublishDir: publishDir.path } },
  });

  beforeEach(() => {
    publishDir.clear();
    workspace.setContent({
      'catalog-info.yaml': 'kind: Component',
      service: { 'index.ts': 'export {}' },
    });
  });
  const permissions = mockServices.permissions();
  const publish = (options: { config: ConfigReader } = { config }) =>
    createPublishLocalAction({ permissions, ...options });
  const context = (input: Record<string, any>, isDryRun = false) => ({
    ...createMockActionContext({
      input,
      workspacePath: workspace.path,
      user: { ref: 'user:default/alice' },
      templateInfo: { entityRef: 'template:default/express-service' },
    }),
    isDryRun,
  });

  it('writes the workspace as a new git repository with one commit', async () => {
    const ctx = context({ repoName: 'orders', description: 'Create orders' });
    await publish().handler(ctx as any);
    const repo = join(publishDir.path, 'orders');
    expect(ctx.output).toHaveBeenCalledWith('repoPath', repo);
    expect(readFileSync(join(repo, 'service/index.ts'), 'utf8')).toBe(
      'export {}',
    );
    const log = execFileSync('git', ['-C', repo, 'log', '--format=%an|%s'], {
      encoding: 'utf8',
    }).trim();
    expect(log).toBe('user:default/alice|Create orders');
    expect(
      execFileSync('git', ['-C', repo, 'status', '--porcelain'], {
        encoding: 'utf8',
      }),
    ).toBe('');
  });

  it('never overwrites an existing repository', async () => {
    publishDir.setContent({ orders: { 'README.md': 'someone else' } });
    const ctx = context({ repoName: 'orders' });
    await expect(publish().handler(ctx as any)).rejects.toThrow(
      `A repository named orders already exists in ${publishDir.path}`,
    );
    expect(
      readFileSync(join(publishDir.path, 'orders/README.md'), 'utf8'),
    ).toBe('someone else');
  });

  it('writes nothing in a dry run', async () => {
    const ctx = context({ repoName: 'orders' }, true);
    await publish().handler(ctx as any);
    expect(existsSync(join(publishDir.path, 'orders'))).toBe(false);
  });

  it('refuses to run without a configured directory, and names outside it', async () => {
    await expect(
      publish({ config: new ConfigReader({}) }).handler(
        context({ repoName: 'orders' }) as any,
      ),
    ).rejects.toThrow(
      'publish:local needs environments.templates.localPublishDir',
    );
    await expect(
      publish().handler(context({ repoName: '../x' }) as any),
    ).rejects.toThrow();
    expect(existsSync(join(publishDir.path, '..', 'x'))).toBe(false);
  });

  it('refuses a catalog-info.yaml that would register a template, a location or a group', async () => {
    for (const kind of ['Template', 'Location', 'Group']) {
      workspace.setContent({
        'catalog-info.yaml': `kind: Component\n---\nkind: ${kind}\n`,
      });
      await expect(
        publish().handler(context({ repoName: 'orders' }, true) as any),
      ).rejects.toThrow(
        `catalog-info.yaml declares a ${kind}; a published service may declare only Component, API, Resource`,
      );
    }
    expect(existsSync(join(publishDir.path, 'orders'))).toBe(false);
  });

  it('refuses a symbolic link that leads outside, which could make the catalog read any file of the host', async () => {
    symlinkSync(
      '../catalog-info.yaml',
      join(workspace.path, 'service', 'inside'),
    );
    symlinkSync('/etc/passwd', join(workspace.path, 'service', 'passwd'));
    await expect(
      publish().handler(context({ repoName: 'orders' }) as any),
    ).rejects.toThrow(
      'service/passwd is a symbolic link that leads outside the repository',
    );
    expect(existsSync(join(publishDir.path, 'orders'))).toBe(false);
  });

  const marker = join(publishDir.path, 'ran');
  it.each([
    ['.git', { '.git': { config: fsmonitorConfig(marker) } }],
    [
      'service/.GIT',
      { service: { '.GIT': { config: fsmonitorConfig(marker) } } },
    ],
    ['.git', { '.git': 'gitdir: /srv/portal/.git' }],
  ])(
    'refuses git metadata of its own (%s), which could run a command on the host or commit elsewhere',
    async (path, content) => {
      workspace.addContent(content);
      await expect(
        publish().handler(context({ repoName: 'orders' }) as any),
      ).rejects.toThrow(
        `${path} is git metadata; a published workspace may not bring its own`,
      );
      expect(existsSync(join(publishDir.path, 'orders'))).toBe(false);
      expect(existsSync(marker)).toBe(false);
    },
  );

  it('publishes only from a template the policy trusts', async () => {
    await expect(
      createPublishLocalAction({
        config,
        permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
      }).handler(context({ repoName: 'orders' }) as any),
    ).rejects.toThrow('Not allowed: environments.template.execute');
    expect(existsSync(join(publishDir.path, 'orders'))).toBe(false);
  });
});

describe('publish:local input', () => {
  const action = createPublishLocalAction({
    config: new ConfigReader({}),
    permissions: mockServices.permissions(),
  });

  it.each(
    inputCases([
      { repoName: 'orders' },
      { repoName: 'orders', sourcePath: 'service' },
      { repoName: 'orders', description: 'x'.repeat(200) },
    ]),
  )('accepts %s', (_, input) => expect(acceptsInput(action, input)).toBe(true));

  it.each(
    inputCases([
      {},
      { repoName: '../orders' },
      { repoName: 'Orders' },
      { repoName: 'orders', sourcePath: '../service' },
      { repoName: 'orders', description: 'x'.repeat(201) },
    ]),
  )('refuses %s', (_, input) =>
    expect(acceptsInput(action, input)).toBe(false),
  );
});
