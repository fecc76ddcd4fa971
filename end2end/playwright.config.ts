import { defineConfig } from '@playwright/test';

// The system Chromium (Debian's package); Playwright never downloads a browser.
const port = Number(process.env.VLAB_E2E_PORT ?? 3199);
export const freshPort = Number(process.env.VLAB_E2E_FRESH_PORT ?? 3198);
// Two nodes sharing a throwaway PostgreSQL: node-a here, node-b on the next port.
export const clusterPort = Number(process.env.VLAB_E2E_CLUSTER_PORT ?? 3195);

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../target/e2e-results',
  globalTeardown: './global-teardown.ts',
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
  webServer: [
    {
      // A fresh data dir for every run; guests under TCG.
      command: './start-server.sh',
      url: `http://127.0.0.1:${port}/api/v1/health`,
      env: { VLAB_ADMIN_PASSWORD: 'e2e-admin-password', VLAB_LOG: 'warn', VLAB_E2E_PORT: String(port) },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // As ./run.sh leaves a newcomer: default settings and the demo guest.
      command: './start-server.sh fresh',
      url: `http://127.0.0.1:${freshPort}/api/v1/health`,
      env: { VLAB_ADMIN_PASSWORD: 'e2e-admin-password', VLAB_LOG: 'warn', VLAB_E2E_FRESH_PORT: String(freshPort) },
      reuseExistingServer: false,
      timeout: 90_000,
    },
    {
      command: './start-cluster.sh',
      // Ready once both nodes heartbeat: node-a lists two online nodes.
      url: `http://127.0.0.1:${clusterPort + 1}/api/v1/health`,
      env: { VLAB_ADMIN_PASSWORD: 'e2e-admin-password', VLAB_LOG: 'warn', VLAB_E2E_CLUSTER_PORT: String(clusterPort) },
      reuseExistingServer: false,
      timeout: 90_000,
      // The script stops both nodes and its database cluster on SIGTERM.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
