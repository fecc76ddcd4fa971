import { test, expect } from './fixtures';
import { ADMIN, canvasColours, login, runToSerial, serialText, waitForHydration } from './helpers';

// The server that ./start-server.sh fresh runs: a new data dir with the
// defaults ./run.sh uses (--accel auto, the demo guest), nothing set up.
const fresh = `http://127.0.0.1:${process.env.VLAB_E2E_FRESH_PORT ?? 3198}`;
test.use({ baseURL: fresh });

test('a newcomer: the home page says what to do, the first VM from the demo guest boots to a shell on its console', async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  await login(page, ADMIN.username, ADMIN.password);
  await waitForHydration(page);

  // The home page says which accelerator guests get and why, and what to do next.
  const health = (await (await request.get('/api/v1/health')).json()).data;
  const accel = page.getByTestId('accel');
  await expect(accel).toHaveAttribute('data-accel', health.accelerator.in_use);
  expect(health.accelerator.reason).toMatch(/^auto: /);
  await expect(page.getByTestId('next-steps')).toBeVisible();
  await expect(page.getByTestId('next-demo-vm')).not.toHaveClass(/done/);
  await page.screenshot({ path: '../target/e2e-results/first-run-home.png' });

  // The create form offers the demo guest; the defaults are kept.
  await page.getByTestId('next-demo-vm').getByRole('link').click();
  await expect(page).toHaveURL(/\/machines$/);
  await waitForHydration(page);
  const form = page.getByTestId('new-vm-form');
  const demo = form.locator('select[name=iso] option', { hasText: 'Demo guest' });
  await expect(demo).toHaveCount(1);
  await expect(form.locator('select[name=iso]')).toHaveValue((await demo.getAttribute('value'))!);
  await form.locator('input[name=name]').fill('my-first-vm');
  await form.locator('button[type=submit]').click();
  const row = page.locator('tr[data-vm="my-first-vm"]');
  await expect(row).toBeVisible();

  // The machine page offers only what the state allows, and shows progress.
  await row.getByRole('link', { name: 'my-first-vm' }).click();
  await waitForHydration(page);
  const power = page.getByTestId('power');
  await expect(power.getByTestId('power-start')).toBeVisible();
  await expect(power.getByTestId('power-resume')).toHaveCount(0);
  await expect(power.getByTestId('power-stop')).toHaveCount(0);
  await power.getByTestId('power-start').click();
  await expect(page.getByTestId('operation')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('vm-state')).toHaveAttribute('data-state', 'running');
  await expect(power.getByTestId('power-start')).toHaveCount(0);
  await expect(power.getByTestId('power-stop')).toBeVisible();

  // Its console draws the guest, and the guest's shell answers typed keys.
  await expect(page.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(1);
  const id = page.url().split('/').pop();
  const serialContext = await browser.newContext({ baseURL: fresh });
  const serial = await serialContext.newPage();
  await login(serial, ADMIN.username, ADMIN.password);
  await serial.goto(`/machines/${id}/console?kind=serial`);
  await waitForHydration(serial);
  await expect.poll(() => serialText(serial), { timeout: 60_000 }).toContain('VLAB-GUEST-READY');
  await page.locator('[data-screen] canvas').click();
  await page.keyboard.type('echo firstshell42 ');
  await runToSerial(page);
  await expect.poll(() => serialText(serial), { timeout: 20_000 }).toContain('firstshell42');
  await page.screenshot({ path: '../target/e2e-results/first-run-console.png' });

  // Done: the first step is ticked off at home.
  await page.goto('/');
  await expect(page.getByTestId('next-demo-vm')).toHaveClass(/done/);
  // The library labels the demo guest as such.
  await page.goto('/isos');
  await expect(page.locator('tr', { hasText: 'Demo guest' }).getByTestId('demo-badge')).toBeVisible();
  await serialContext.close();
});
