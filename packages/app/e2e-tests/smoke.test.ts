import { expect, test } from '@playwright/test';
import { screenshotPath, signInAsGuest } from './helpers';

test('a guest opens the reference service and its Environments tab', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The catalog is the landing page; the reference service is among the example entities.
  await page
    .getByRole('link', { name: /express-service|Express reference service/ })
    .first()
    .click();
  await expect(
    page
      .getByRole('heading', {
        name: /express-service|Express reference service/,
      })
      .first(),
  ).toBeVisible();

  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Environments' })
    .click();
  await expect(page).toHaveURL(/\/environments/);
  // Whatever the backend knows, the tab names the stages configured in app-config.yaml.
  await expect(page.getByText(/staging/).first()).toBeVisible();
  await page.screenshot({
    path: screenshotPath('smoke-environments-tab'),
    fullPage: true,
  });
});
