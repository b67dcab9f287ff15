import { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** KUBECONFIG (and friends) of the local cluster, as scripts/local-cluster prints them. */
function clusterEnv(): NodeJS.ProcessEnv {
  const out = execFileSync(join(REPO_ROOT, 'scripts/local-cluster'), ['env'], {
    encoding: 'utf8',
  });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of out.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^["']|["']$/g, '');
  }
  const bin =
    process.env.ENVPORTAL_BIN ?? join(homedir(), '.cache/envportal/bin');
  env.PATH = `${bin}:${env.PATH}`;
  return env;
}

/** kubectl against the local cluster. */
export function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, {
    env: clusterEnv(),
    encoding: 'utf8',
  });
}

/** Where screenshots go: the git-ignored .artifacts/screenshots at the repo root. */
export const screenshotPath = (name: string) =>
  `${__dirname}/../../../.artifacts/screenshots/${name}.png`;

/** Signs in with the guest provider, as a first-time visitor does. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Catalog', exact: true })
    .waitFor({ state: 'visible' });
}
