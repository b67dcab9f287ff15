import { createMockDirectory } from '@backstage/backend-test-utils';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { assertSelfContained } from './workspaceTree';

describe('assertSelfContained', () => {
  const workspace = createMockDirectory();
  const options = { root: workspace.path, rootName: 'workspace' };

  beforeEach(() => {
    workspace.setContent({
      chart: { 'Chart.yaml': 'name: x', templates: { 'cm.yaml': '' } },
      shared: { 'values.yaml': 'a: 1' },
    });
  });

  it('accepts a tree whose links stay inside the root', async () => {
    symlinkSync(
      join(workspace.path, 'shared/values.yaml'),
      join(workspace.path, 'chart/values.yaml'),
    );
    await expect(
      assertSelfContained(join(workspace.path, 'chart'), options),
    ).resolves.toBeUndefined();
  });

  it('refuses a link deep in the tree, or the path itself, leading outside the root', async () => {
    symlinkSync('/etc/hostname', join(workspace.path, 'chart/templates/host'));
    await expect(
      assertSelfContained(join(workspace.path, 'chart'), options),
    ).rejects.toThrow(
      'chart/templates/host is a symbolic link that leads outside the workspace',
    );
    symlinkSync('/etc/passwd', join(workspace.path, 'values.yaml'));
    await expect(
      assertSelfContained(join(workspace.path, 'values.yaml'), options),
    ).rejects.toThrow(
      'values.yaml is a symbolic link that leads outside the workspace',
    );
  });

  it('refuses git metadata only when asked', async () => {
    workspace.addContent({ chart: { '.git': { config: '' } } });
    const chart = join(workspace.path, 'chart');
    await expect(assertSelfContained(chart, options)).resolves.toBeUndefined();
    await expect(
      assertSelfContained(chart, { ...options, refuseGit: true }),
    ).rejects.toThrow('chart/.git is git metadata');
  });
});
