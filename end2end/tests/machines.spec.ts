import { test, expect } from './fixtures';
import { ADMIN, login, waitForHydration } from './helpers';

test('create a VM in the UI, start it, and the badge turns running without a reload', async ({ page, request }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await page.goto('/machines');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__stayed = true));

  const form = page.getByTestId('new-vm-form');
  await form.locator('input[name=name]').fill('e2e-vm');
  await form.locator('input[name=memory]').fill('128');
  await form.locator('input[name=kernel]').fill('test-guest');
  await form.locator('select[name=network]').selectOption('none');
  await form.locator('button[type=submit]').click();

  const row = page.locator('tr[data-vm="e2e-vm"]');
  await expect(row).toBeVisible();
  const badge = row.getByTestId('vm-state');
  await expect(badge).toHaveAttribute('data-state', 'stopped');

  await row.getByTestId('vm-start').click();
  await expect(badge).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await page.screenshot({ path: '../target/e2e-results/machines-running.png' });

  await row.getByTestId('vm-stop').click();
  await expect(badge).toHaveAttribute('data-state', 'stopped', { timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);

  // A change made elsewhere (the REST API) reaches the open page by the event stream.
  const token = (await (await request.post('/api/v1/auth/login', { data: ADMIN })).json()).data.token;
  const auth = { Authorization: `Bearer ${token}` };
  const vms = (await (await request.get('/api/v1/vms?q=e2e-vm', { headers: auth })).json()).data;
  const id = vms[0].id;
  const put = await request.put(`/api/v1/vms/${id}/state`, { headers: auth, data: { action: 'start' } });
  expect(put.status()).toBe(202);
  await expect(badge).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await request.put(`/api/v1/vms/${id}/state`, { headers: auth, data: { action: 'stop' } });
  await expect(badge).toHaveAttribute('data-state', 'stopped', { timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);

  // The machine's own page shows its configuration and power controls.
  await row.getByRole('link', { name: 'e2e-vm' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('e2e-vm');
  await expect(page.getByTestId('power')).toBeVisible();
});
