import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Resolves a tool to run: the pinned build in $ENVPORTAL_BIN (the repo's tool cache) when present,
 * else the first of `names` on PATH. The tool is then spawned directly, never through a shell.
 *
 * @public
 */
export function findTool(names: string[]): string {
  const bin = process.env.ENVPORTAL_BIN;
  if (bin) {
    for (const name of names) {
      if (existsSync(join(bin, name))) return join(bin, name);
    }
  }
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  throw new Error(
    `None of ${names.join(', ')} was found in $ENVPORTAL_BIN or on PATH`,
  );
}
