import { isChildPath } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Refuses a file or tree of the workspace that a tool reading it (git, Helm) would turn against the
 * host: a symbolic link that leads outside `root` (it could point at any file of the host) and, with
 * `refuseGit`, git metadata of its own (a `.git` directory or file, anywhere: its config can name
 * commands git runs, or point at another repository of the host). Links inside `root` are fine.
 * Paths in the errors are relative to `root`, which `rootName` names.
 */
export async function assertSelfContained(
  path: string,
  options: { root: string; rootName: string; refuseGit?: boolean },
): Promise<void> {
  const root = await realpath(options.root);
  const shown = (inTree: string) => relative(options.root, inTree);
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current)) {
      const entryPath = join(current, entry);
      if (options.refuseGit && entry.toLowerCase() === '.git') {
        throw new NotAllowedError(
          `${shown(
            entryPath,
          )} is git metadata; a published workspace may not bring its own (its configuration or hooks would run on the portal's host)`,
        );
      }
      const entryStat = await lstat(entryPath);
      if (entryStat.isSymbolicLink()) {
        await assertInside(entryPath, root, options.rootName, shown);
      } else if (entryStat.isDirectory()) {
        await walk(entryPath);
      }
    }
  };
  await assertInside(path, root, options.rootName, shown);
  if ((await stat(path)).isDirectory()) await walk(path);
}

async function assertInside(
  path: string,
  root: string,
  rootName: string,
  shown: (path: string) => string,
) {
  const target = await realpath(path).catch(() => undefined);
  if (!target || (target !== root && !isChildPath(root, target))) {
    throw new NotAllowedError(
      `${shown(path)} is a symbolic link that leads outside the ${rootName}`,
    );
  }
}
