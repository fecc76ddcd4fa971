import { test, expect } from './fixtures';
import { ADMIN, waitForHydration } from './helpers';
import { clusterPort } from '../playwright.config';

// node-a of the two nodes start-cluster.sh runs over one PostgreSQL.
const A = `http://127.0.0.1:${clusterPort}`;

test('an admin makes a VM on one node and moves it to the other from its page', async ({ page }) => {
  await page.goto(`${A}/login`);
  await page.fill('input[name=username]', ADMIN.username);
  await page.fill('input[name=password]', ADMIN.password);
  await page.click('form[action="/login"] button[type=submit]');
  await expect(page).toHaveURL(/\/$/);
  await expect
    .poll(async () => {
      const nodes = (await (await page.request.get(`${A}/api/v1/nodes`)).json()).data as { status: string }[];
      return nodes.filter((n) => n.status === 'online').length;
    })
    .toBe(2);

  await page.goto(`${A}/machines`);
  await waitForHydration(page);
  const form = page.getByTestId('new-vm-form');
  await form.locator('input[name=name]').fill('roamer');
  await form.getByTestId('vm-node').selectOption({ label: 'node-b' });
  await form.locator('button[type=submit]').click();
  const row = page.getByTestId('vm-table').locator('tr[data-vm="roamer"]');
  await row.getByRole('link', { name: 'roamer' }).click();
  await expect(page).toHaveURL(/\/machines\/\d+$/);
  const id = page.url().split('/').pop();
  await expect(page.getByTestId('vm-node-name')).toHaveText('node-b');

  await page.getByTestId('move-target').selectOption({ label: 'node-a' });
  await page.getByTestId('move-vm').click();
  await expect(page.getByTestId('move-operation')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('vm-node-name')).toHaveText('node-a');
  const nodes = (await (await page.request.get(`${A}/api/v1/nodes`)).json()).data as { id: number; name: string }[];
  const vm = (await (await page.request.get(`${A}/api/v1/vms/${id}`)).json()).data;
  expect(vm.node_id).toBe(nodes.find((n) => n.name === 'node-a')!.id);
});
