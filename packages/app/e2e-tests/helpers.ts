import { Page } from '@playwright/test';

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
