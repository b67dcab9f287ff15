import { expect, Page, test } from '@playwright/test';

// The app under test is a new app from @backstage/create-app (FRESH_APP_FLAVOR: `new` or `legacy`
// frontend system) with our packed plugins installed and wired as the plugin READMEs say; its catalog
// holds the reference service, annotated for the plugins, and its policy is the README's.
const flavor = process.env.FRESH_APP_FLAVOR ?? 'new';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click();
  await expect(enter).toBeHidden();
}

test(`${flavor} frontend system: a guest sees the Environments tab with three stages, and may not promote to prod`, async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/express-service');
  // The overview card: one line per stage.
  await expect(page.getByText(/^prod: 1\.0\.0, \d+\/\d+ ready$/)).toBeVisible();

  // The entity page's tabs: links in a navigation (new system), MUI tabs (legacy).
  const tab =
    flavor === 'legacy'
      ? page.getByRole('tab', { name: 'Environments' })
      : page
          .getByRole('navigation', { name: 'Content navigation' })
          .getByRole('link', { name: 'Environments' });
  await tab.click();
  await expect(page).toHaveURL(/\/environments$/);

  // One card per configured stage, each showing the version the demo deployed there: live data from
  // the local cluster through the installed backend plugin.
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

  // The README's policy: the guest promotes into dev and staging only.
  const toProd = page.getByRole('button', { name: 'Promote 1.1.0 to prod' });
  await expect(toProd).toBeDisabled();
  const reason = await toProd.getAttribute('aria-describedby');
  await expect(page.locator(`[id="${reason}"]`)).toHaveText(
    /You may not promote component:default\/express-service to prod/,
  );
  await expect(
    page.getByRole('button', { name: 'Promote 1.2.0 to staging' }),
  ).toBeEnabled();

  await page.screenshot({
    path: `${__dirname}/../../.artifacts/screenshots/fresh-app-${flavor}-environments-tab.png`,
    fullPage: true,
  });
});
