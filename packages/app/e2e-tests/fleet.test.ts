/**
 * The fleet page and pushed changes in a real browser, against the running portal, the local cluster
 * and the demo deployment (see environments.test.ts, which runs before and promotes in it).
 *
 * Figures go to .artifacts/screenshots/live-push-timing.json: cluster change (kubectl has returned)
 * → the DOM shows it, per change. LIVE_PUSH_CHANGES sets how many (default 20).
 */
import { expect, Page, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, REPO_ROOT, screenshotPath, signInAsGuest } from './helpers';

const ARTIFACTS = join(REPO_ROOT, '.artifacts', 'screenshots');
const RELEASE = 'express-service';
const TAB_PATH = `/catalog/default/component/${RELEASE}/environments`;
const CHANGES = Number(process.env.LIVE_PUSH_CHANGES ?? 20);
/**
 * Without signals the tab would see a change only at its next poll (30 s with signals on, the safety
 * net); anything this quick came pushed. The target is 1 s; CI shares two cores, so the bound is looser.
 */
const PUSHED_BOUND_MS = 3_000;
/** The fleet page is usable (every row's cells drawn) within this on CI; the target is 2 s. */
const FLEET_BOUND_MS = 4_000;

test.describe.configure({ mode: 'serial' });

const fleetRow = (page: Page) =>
  page.getByRole('row').filter({
    has: page.locator(`a[href$="/component/${RELEASE}"]`),
  });

function imageTag(stage: string): string {
  const image = kubectl(
    '-n',
    stage,
    'get',
    'deployment',
    RELEASE,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  );
  return image.slice(image.lastIndexOf(':') + 1);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

test('the fleet page shows every service by stage, from the sidebar, quickly', async ({
  page,
}) => {
  await signInAsGuest(page);
  const started = Date.now();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Environments', exact: true })
    .click();
  const row = fleetRow(page);
  await expect(row.getByTestId('fleet-cell-dev')).toContainText(
    imageTag('dev'),
  );
  await expect(row.getByTestId('fleet-cell-staging')).toContainText(
    imageTag('staging'),
  );
  await expect(row.getByTestId('fleet-cell-prod')).toContainText(
    /\d+\.\d+\.\d+/,
  );
  const msUsable = Date.now() - started;
  // prod's column says its governance: the demo's release managers and window
  await expect(page.getByText('1 approval required')).toBeVisible();
  await expect(page.getByText(/^Deploy window (open|closed)/)).toBeVisible();
  await page.screenshot({
    path: screenshotPath('fleet-1-page'),
    fullPage: true,
  });

  await page.getByLabel(/^Needs attention \(\d+\)$/).check();
  await expect(page.getByText(/^\d+ of \d+ components$/)).toBeVisible();
  await page.screenshot({
    path: screenshotPath('fleet-2-needs-attention'),
    fullPage: true,
  });

  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(
    join(ARTIFACTS, 'fleet-timing.json'),
    `${JSON.stringify({ msUsable, measuredAt: new Date().toISOString() })}\n`,
  );
  test.info().annotations.push({
    type: 'fleet page usable after the sidebar click',
    description: `${msUsable} ms`,
  });
  expect(msUsable).toBeLessThan(FLEET_BOUND_MS);
});

test('a change in the cluster reaches the tab and the fleet page pushed, within a second', async ({
  page,
  context,
}) => {
  // each change is waited for on both pages
  test.setTimeout(60_000 + CHANGES * 5_000);
  await signInAsGuest(page);
  await page.goto(TAB_PATH);
  const devCard = page.getByRole('region', { name: 'dev', exact: true });
  await expect(devCard.getByText(/^\d+ of \d+ replicas ready$/)).toBeVisible();
  const fleet = await context.newPage();
  await fleet.goto('/environments');
  const fleetDev = fleetRow(fleet).getByTestId('fleet-cell-dev');
  await expect(fleetDev).toContainText(/\d+\/\d+ ready/);

  const base = Number(
    kubectl(
      '-n',
      'dev',
      'get',
      'deployment',
      RELEASE,
      '-o',
      'jsonpath={.spec.replicas}',
    ),
  );
  const hpa = JSON.parse(
    kubectl('-n', 'dev', 'get', 'hpa', RELEASE, '-o', 'json'),
  );
  const patchHpa = (min: number, max: number) =>
    kubectl(
      '-n',
      'dev',
      'patch',
      'hpa',
      RELEASE,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { minReplicas: min, maxReplicas: max } }),
    );
  // the HPA owns the count: let it accept one more pod while the test scales
  patchHpa(base, base + 1);
  const tab: number[] = [];
  const fleetMs: number[] = [];
  try {
    for (let i = 0; i < CHANGES; i++) {
      const target = i % 2 === 0 ? base + 1 : base;
      kubectl(
        '-n',
        'dev',
        'scale',
        `deployment/${RELEASE}`,
        `--replicas=${target}`,
      );
      const changed = Date.now();
      await Promise.all([
        devCard
          .getByText(new RegExp(`^\\d+ of ${target} replicas ready$`))
          .waitFor({ timeout: 30_000 })
          .then(() => tab.push(Date.now() - changed)),
        expect(fleetDev)
          .toContainText(new RegExp(`\\d+/${target} ready`), {
            timeout: 30_000,
          })
          .then(() => fleetMs.push(Date.now() - changed)),
      ]);
    }
  } finally {
    kubectl(
      '-n',
      'dev',
      'scale',
      `deployment/${RELEASE}`,
      `--replicas=${base}`,
    );
    patchHpa(hpa.spec.minReplicas, hpa.spec.maxReplicas);
  }
  await page.screenshot({
    path: screenshotPath('live-push-tab'),
    fullPage: true,
  });
  const summary = (ms: number[]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return {
      median: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      max: sorted[sorted.length - 1],
      samples: ms,
    };
  };
  const figures = { tab: summary(tab), fleet: summary(fleetMs) };
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(
    join(ARTIFACTS, 'live-push-timing.json'),
    `${JSON.stringify(
      { changes: CHANGES, ...figures, measuredAt: new Date().toISOString() },
      null,
      2,
    )}\n`,
  );
  test.info().annotations.push({
    type: 'cluster change → DOM (ms)',
    description: `tab median ${figures.tab.median}, p95 ${figures.tab.p95}; fleet median ${figures.fleet.median}, p95 ${figures.fleet.p95}`,
  });
  expect(figures.tab.median).toBeLessThan(PUSHED_BOUND_MS);
  // the fleet coalesces to one signal a second, then reads everything once
  expect(figures.fleet.median).toBeLessThan(PUSHED_BOUND_MS + 1_000);
});
