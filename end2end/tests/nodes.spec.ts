import { test, expect } from './fixtures';
import { ADMIN, login, waitForHydration } from './helpers';

test('admin sees this host on the Nodes page, drains it and enables it again', async ({ page }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await page.getByRole('link', { name: 'Nodes' }).click();
  await expect(page).toHaveURL(/\/admin\/nodes$/);
  await waitForHydration(page);
  const row = page.getByTestId('nodes-table').locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'online');
  await expect(row).toContainText('this node');
  await expect(row).toHaveAttribute('data-enabled', 'true');

  await row.getByTestId('node-toggle').click();
  await expect(row).toHaveAttribute('data-enabled', 'false');
  // Drained: the API refuses new VMs with the reason.
  const made = await page.request.post('/api/v1/vms', { data: { name: 'while-drained' } });
  expect(made.status()).toBe(409);
  expect((await made.json()).error.code).toBe('NODE_DISABLED');

  await row.getByTestId('node-toggle').click();
  await expect(row).toHaveAttribute('data-enabled', 'true');
  const again = await page.request.post('/api/v1/vms', { data: { name: 'after-drain' } });
  expect(again.status()).toBe(201);
  await page.request.delete(`/api/v1/vms/${(await again.json()).data.id}`);
});
