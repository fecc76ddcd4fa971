import { defineConfig } from '@playwright/test';

// The system Chromium (Debian's package); Playwright never downloads a browser.
const port = Number(process.env.VLAB_E2E_PORT ?? 3199);
const bin = process.env.VLAB_BIN ?? '../target/debug/vlab';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../target/e2e-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'en-US',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: {
    // A fresh data dir for every run.
    command: `rm -rf ../target/e2e-data && ${bin} --data-dir ../target/e2e-data --listen 127.0.0.1:${port} --site-root ../target/site`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    env: { VLAB_ADMIN_PASSWORD: 'e2e-admin-password', VLAB_LOG: 'warn' },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
