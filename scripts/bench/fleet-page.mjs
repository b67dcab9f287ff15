// The fleet page in Chromium against a running portal that serves the app: how long from the sidebar
// click (and from a full page load) until the page is usable -- the count of every component in the
// table title and the first page's cells drawn with versions. Run by scripts/bench/status-bench in
// fleet mode; prints one line per figure.
//
// Environment: BENCH_URL (the portal), BENCH_COMPONENTS (rows expected), BENCH_PAGE_RUNS (default 10),
// CHROMIUM_PATH (default /usr/bin/chromium), BENCH_SCREENSHOT (optional PNG path).
import { chromium } from '@playwright/test';

const url = process.env.BENCH_URL;
const components = Number(process.env.BENCH_COMPONENTS ?? 500);
const runs = Number(process.env.BENCH_PAGE_RUNS ?? 10);
if (!url) throw new Error('BENCH_URL is not set');

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const summary = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${percentile(sorted, 0.5)} ms, p95 ${percentile(sorted, 0.95)} ms, max ${sorted.at(-1)} ms (${sorted.length} runs)`;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.getByRole('button', { name: 'Enter' }).click();
  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  await sidebar.getByRole('link', { name: 'Catalog', exact: true }).waitFor();

  const usable = async () => {
    await page
      .getByText(`${components} of ${components} components`, { exact: true })
      .waitFor();
    // the first page's rows, each stage's cell with a version in it
    const rows = page.getByRole('row').filter({ has: page.getByTestId('fleet-cell-dev') });
    await rows.nth(Math.min(components, 50) - 1).waitFor();
    for (const stage of ['dev', 'staging', 'prod']) {
      await rows.first().getByTestId(`fleet-cell-${stage}`).getByText(/\d+\.\d+\.\d+/).first().waitFor();
    }
  };

  const fromSidebar = [];
  const fromLoad = [];
  for (let i = 0; i < runs; i++) {
    await sidebar.getByRole('link', { name: 'Catalog', exact: true }).click();
    await page.waitForURL(u => !u.pathname.startsWith('/environments'));
    let started = Date.now();
    await sidebar.getByRole('link', { name: 'Environments', exact: true }).click();
    await usable();
    fromSidebar.push(Date.now() - started);

    started = Date.now();
    await page.goto(`${url}/environments`);
    await usable();
    fromLoad.push(Date.now() - started);
  }
  if (process.env.BENCH_SCREENSHOT) {
    await page.screenshot({ path: process.env.BENCH_SCREENSHOT, fullPage: false });
  }
  console.log(`fleet page usable after the sidebar click, ${components} components: ${summary(fromSidebar)}`);
  console.log(`fleet page usable after a full page load, ${components} components: ${summary(fromLoad)}`);
} finally {
  await browser.close();
}
