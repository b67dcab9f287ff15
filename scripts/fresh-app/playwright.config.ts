import { defineConfig } from '@playwright/test';
import portal from '../../playwright.config';

/**
 * The fresh-app check (scripts/test.d/85-fresh-app.sh): the portal's browser settings (Debian's
 * Chromium, loopback only) against an app created with @backstage/create-app that installed our packed
 * plugins; only where its tests live and how long a first load may take differ.
 */
export default defineConfig({
  ...portal,
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 45_000 },
  reporter: [['list']],
  outputDir: '../../.artifacts/fresh-app-results',
  use: { ...portal.use, actionTimeout: 30_000 },
});
