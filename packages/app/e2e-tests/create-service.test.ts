/**
 * "Create Express service" in a real browser, against the running portal (http://localhost:7007) and the
 * local cluster: fill the template's form, create, follow the task to its end, find the new service in
 * the catalog and see it running in dev on its Environments tab.
 *
 * Needs the portal started with environments.templates.localPublishDir (publish:local writes there; the
 * catalog picks the repository up from it). The new release is uninstalled at the end.
 * Screenshots: .artifacts/screenshots/create-service-*.png; the time from "Create" to dev running:
 * .artifacts/screenshots/create-service-timing.json.
 */
import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { signInAsGuest } from './helpers';

const REPO_ROOT = resolve(__dirname, '../../..');
const ARTIFACTS = join(REPO_ROOT, '.artifacts', 'screenshots');
// Unique per run: publish:local never overwrites, and a re-run must not find the last run's service.
const NAME = `e2e-${Date.now().toString(36)}`;

async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({
    path: join(ARTIFACTS, `create-service-${name}.png`),
    fullPage: true,
  });
}

function helmUninstall() {
  const env = execFileSync(join(REPO_ROOT, 'scripts/local-cluster'), ['env'], {
    encoding: 'utf8',
  });
  const kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(env)?.[1];
  if (!kubeconfig) return;
  const bin =
    process.env.ENVPORTAL_BIN ?? join(homedir(), '.cache/envportal/bin');
  try {
    execFileSync(
      join(bin, 'helm'),
      ['uninstall', NAME, '-n', 'dev', '--wait', '--timeout', '60s'],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        stdio: 'ignore',
      },
    );
  } catch {
    // never installed: nothing to clean
  }
}

test.afterAll(helmUninstall);

/** Polls the scaffolder API as the guest; on failure, throws with the task's last log lines. */
async function waitForTask(page: Page, taskId: string, timeoutMs: number) {
  const auth = await page.request.get('/api/auth/guest/refresh');
  const token = (await auth.json()).backstageIdentity.token;
  const headers = { Authorization: `Bearer ${token}` };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await (
      await page.request.get(`/api/scaffolder/v2/tasks/${taskId}`, { headers })
    ).json();
    if (task.status === 'completed') return task.status;
    if (
      task.status === 'failed' ||
      task.status === 'cancelled' ||
      Date.now() > deadline
    ) {
      const events = await (
        await page.request.get(`/api/scaffolder/v2/tasks/${taskId}/events`, {
          headers,
        })
      ).json();
      const log = events
        .map((e: any) => e.body?.message)
        .filter(Boolean)
        .slice(-8)
        .join('\n');
      throw new Error(`task ${taskId} ${task.status}:\n${log}`);
    }
    await page.waitForTimeout(1000);
  }
}

test('a developer creates a service and sees it running in dev', async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInAsGuest(page);

  await page.goto('/create');
  const card = page
    .getByText('Create Express service', { exact: true })
    .locator('xpath=ancestor::article[1]');
  await card.getByRole('button', { name: 'Choose' }).click();

  // Page 1: Service
  await page.getByLabel('Name').first().fill(NAME);
  await page
    .getByLabel('Description')
    .first()
    .fill('Created by the browser test');
  const owner = page.getByLabel('Owner').first();
  await owner.click();
  await owner.fill('platform-team');
  await page
    .getByRole('option', { name: /platform-team/ })
    .first()
    .click();
  const system = page.getByLabel('System').first();
  await expect(system).toHaveValue(/delivery-platform/);
  await screenshot(page, '1-form');
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 2: Runtime (defaults: port 8080, 2 replicas, no cloud resources)
  await expect(page.getByLabel('Port').first()).toHaveValue('8080');
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 3: Repository (the local repository is the default offline)
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(NAME).first()).toBeVisible();
  await screenshot(page, '2-review');

  const created = Date.now();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task page ends with the template's output links once the rollout in dev has finished; a
  // failed task fails the test at once, with the step's own message.
  await page.waitForURL(/\/create\/tasks\/[^/]+$/);
  const taskId = page.url().split('/').pop()!;
  const finalStatus = await waitForTask(page, taskId, 360_000);
  const msCreateToDevRunning = Date.now() - created;
  expect(finalStatus).toBe('completed');
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible();
  await expect(page.getByText(/replicas available/).first()).toBeVisible();
  await screenshot(page, '3-task-done');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(
    join(ARTIFACTS, 'create-service-timing.json'),
    `${JSON.stringify({
      msCreateToDevRunning,
      service: NAME,
      measuredAt: new Date().toISOString(),
    })}\n`,
  );
  test.info().annotations.push({
    type: 'Create → dev running',
    description: `${msCreateToDevRunning} ms`,
  });

  // In the catalog
  await openInCatalog.click();
  await expect(page.getByRole('heading', { name: NAME }).first()).toBeVisible({
    timeout: 60_000,
  });
  await screenshot(page, '4-entity');

  // Running in dev, on the Environments tab
  // The entity page's tabs are links in the new frontend system.
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments', exact: true })
    .click();
  const dev = page.getByRole('region', { name: 'dev', exact: true });
  await expect(dev.getByText(/^2 of 2 replicas ready$/)).toBeVisible({
    timeout: 60_000,
  });
  await screenshot(page, '5-environments-dev-running');
});
