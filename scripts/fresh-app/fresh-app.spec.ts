import { expect, test } from '@playwright/test';

// The app under test is a new app from @backstage/create-app with our packed plugins installed and wired
// as the plugin READMEs say; its catalog holds the reference service, annotated for the plugins.
test('a guest of a freshly created app sees the Environments tab with its three stages', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  await page.goto('/catalog/default/component/express-service');
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments' })
    .click();
  await expect(page).toHaveURL(/\/environments$/);

  // One card per configured stage, each showing the version the demo deployed there: live data
  // from the local cluster through the installed backend plugin.
  for (const [stage, version] of [
    ['dev', '1.2.0'],
    ['staging', '1.1.0'],
    ['prod', '1.0.0'],
  ]) {
    await expect(
      page
        .getByRole('region', { name: stage, exact: true })
        .getByLabel(`Version ${version}`),
    ).toBeVisible();
  }
  await page.screenshot({
    path: `${__dirname}/../../.artifacts/screenshots/fresh-app-environments-tab.png`,
    fullPage: true,
  });
});
