import { test, expect } from './fixtures';
import { ADMIN, login, waitForHydration } from './helpers';

/** What the SVG of chart `testid` drew (points over all its lines). */
async function drawn(page: import('@playwright/test').Page, testid: string) {
  const svgs = page.getByTestId(testid).locator('svg');
  return svgs.evaluateAll((els) => (els.length ? Number(els[0].getAttribute('data-points')) : 0));
}

test("a running guest's machine page draws its charts live and follows its logs; the System page shows the host and vlab's log; the audit page filters", async ({ page }) => {
  await login(page, ADMIN.username, ADMIN.password);
  const made = await page.request.post('/api/v1/vms', { data: { name: 'charted', memory_mib: 128, kernel: 'test-guest', network: 'none' } });
  expect(made.status()).toBe(201);
  const id = (await made.json()).data.id;
  expect((await page.request.put(`/api/v1/vms/${id}/state`, { data: { action: 'start' } })).status()).toBe(202);

  try {
    // The machine page: CPU and memory over the last hour, growing without a reload.
    await page.goto(`/machines/${id}`);
    await waitForHydration(page);
    await page.evaluate(() => ((window as any).__stayed = true));
    await expect(page.getByTestId('vm-state')).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
    await expect.poll(() => drawn(page, 'chart-cpu'), { timeout: 40_000 }).toBeGreaterThanOrEqual(4);
    const line = page.getByTestId('chart-cpu').locator('polyline').first();
    expect((await line.getAttribute('points'))!.split(' ').length).toBeGreaterThanOrEqual(2);
    expect(await drawn(page, 'chart-memory')).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('chart-memory')).toContainText('MiB');
    // No network counters for user-mode or none: said, not drawn as zeros.
    await expect(page.getByTestId('chart-network').getByTestId('chart-note')).toBeVisible();
    expect(await drawn(page, 'chart-network')).toBe(0);
    const before = await drawn(page, 'chart-cpu');
    await expect.poll(() => drawn(page, 'chart-cpu'), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);
    // The day's range: its axis spans dates.
    const usage = page.getByTestId('vm-usage');
    await usage.locator('[data-range="24h"]').click();
    await expect(usage.locator('[data-range="24h"]')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('chart-cpu').locator('.xaxis')).toContainText(/\d\d-\d\d \d\d:\d\d/);
    await usage.locator('[data-range="1h"]').click();
    await expect(page.getByTestId('chart-cpu').locator('.xaxis')).not.toContainText(/\d\d-\d\d/);
    await expect.poll(() => drawn(page, 'chart-cpu'), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: '../target/e2e-results/machine-charts.png', fullPage: true });

    // Its logs: the serial log shows the boot and follows what the guest
    // writes next, without a reload; QEMU's log is a click away; both download.
    const logs = page.getByTestId('vm-logs');
    const log = logs.getByTestId('vm-log');
    await expect(log).toHaveAttribute('data-source', 'serial');
    await expect(log).toContainText('VLAB-GUEST-READY', { timeout: 30_000 });
    await expect(logs.getByTestId('log-download')).toHaveAttribute('href', `/api/v1/vms/${id}/logs/download?source=serial`);
    expect(await (await page.request.get(`/api/v1/vms/${id}/logs/download?source=serial`)).text()).toContain('VLAB-GUEST-READY');
    await expect(log).not.toContainText('follow5ok');
    // A command typed on the serial port (a console of its own, as another tab would).
    await page.evaluate(async (vm) => {
      const res = await fetch(`/api/v1/vms/${vm}/console`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'serial', view_only: false }),
      });
      const t = (await res.json()).data;
      const ws = new WebSocket(`ws://${location.host}${t.ws_path}?ticket=${encodeURIComponent(t.ticket)}&kind=serial`, ['binary']);
      await new Promise((done) => { ws.onopen = done; });
      ws.send(new TextEncoder().encode('\necho follow$((2+3))ok\n'));
      await new Promise((done) => setTimeout(done, 1000));
      ws.close();
    }, id);
    await expect(log).toContainText('follow5ok', { timeout: 20_000 });
    expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);
    await logs.locator('button[data-source="qemu"]').click();
    await expect(log).toHaveAttribute('data-source', 'qemu');
    await expect(log).not.toContainText('VLAB-GUEST-READY');
    await expect(logs.getByTestId('log-download')).toHaveAttribute('href', `/api/v1/vms/${id}/logs/download?source=qemu`);
    await logs.locator('button[data-source="serial"]').click();
    await expect(log).toContainText('follow5ok');

    // The System page: this host now and over time.
    await page.getByRole('link', { name: 'System' }).click();
    await expect(page).toHaveURL(/\/admin\/system$/);
    const host = page.getByTestId('host-status');
    await expect(host).toHaveAttribute('data-accelerator', 'tcg');
    await expect(host.getByTestId('host-qemu')).toContainText('QEMU');
    await expect(host.getByTestId('host-vms').locator('[data-state="running"]')).toContainText(/[1-9]/);
    await expect(host.getByTestId('host-pools').locator('tbody tr')).toHaveCount(4);
    await expect(host.getByTestId('host-capacity')).toContainText(/[1-9][0-9]+ MiB \/ [0-9]+ MiB/);
    await expect.poll(() => drawn(page, 'chart-host-cpu'), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: '../target/e2e-results/system.png', fullPage: true });
    // vlab's own log, newest first: the VM's creation is in it, and a level
    // filter leaves only what is at least that severe.
    const vlabLog = page.getByTestId('system-log');
    await expect(vlabLog.locator('tbody tr').first()).toBeVisible();
    const logFilters = page.getByTestId('system-log-filters');
    const created = `VM created vm_id=${id} user_id`;
    await logFilters.locator('input[name=q]').fill(created);
    await logFilters.locator('button[type=submit]').click();
    await expect(vlabLog.locator('tbody tr')).toHaveCount(1);
    await expect(vlabLog.locator('tbody tr')).toHaveAttribute('data-level', 'info');
    await expect(vlabLog.locator('tbody tr')).toContainText(created);
    // The same search at `error`: the info entry goes.
    await logFilters.locator('select[name=level]').selectOption('error');
    await expect(vlabLog.locator('tbody tr')).toHaveCount(0);

    // The audit page: the start above, found by its action.
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await waitForHydration(page);
    const filters = page.getByTestId('audit-filters');
    await filters.locator('input[name=action]').fill('vm.start');
    await filters.locator('button[type=submit]').click();
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    await expect(rows.first()).toHaveAttribute('data-action', 'vm.start');
    expect(await rows.evaluateAll((trs) => trs.every((tr) => tr.getAttribute('data-action') === 'vm.start'))).toBe(true);
    await expect(rows.first()).toContainText('admin');
    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toBe('/api/v1/audit/export?action=vm.start');
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(',vm.start,');
  } finally {
    await page.request.put(`/api/v1/vms/${id}/state`, { data: { action: 'stop', force: true } });
    await page.request.delete(`/api/v1/vms/${id}?force=true`);
  }
});
