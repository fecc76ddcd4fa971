import { test, expect, Page, APIRequestContext } from './fixtures';
import { ADMIN, canvasColours, login, runToSerial, serialText, waitForHydration } from './helpers';

/** Asks for a lifecycle action and waits for it to finish. */
async function lifecycle(request: APIRequestContext, headers: Record<string, string>, id: number, action: string) {
  const op = (await (await request.put(`/api/v1/vms/${id}/state`, { headers, data: { action } })).json()).data;
  const done = (await (await request.get(`/api/v1/operations/${op.id}/wait?timeout=60`, { headers })).json()).data;
  expect(done.status, `${action} finished`).toBe('succeeded');
}

async function runningVm(request: APIRequestContext, name: string) {
  const token = (await (await request.post('/api/v1/auth/login', { data: ADMIN })).json()).data.token;
  const headers = { Authorization: `Bearer ${token}` };
  const vm = (await (await request.post('/api/v1/vms', {
    headers, data: { name, memory_mib: 128, kernel: 'test-guest', network: 'none' },
  })).json()).data;
  await lifecycle(request, headers, vm.id, 'start');
  return { id: vm.id as number, headers };
}

test('graphical and serial consoles: the screen draws, keys reach the guest, serial shows the marker and echoes', async ({ page, browser, request }) => {
  const { id, headers } = await runningVm(request, 'console-vm');
  await login(page, ADMIN.username, ADMIN.password);

  // The serial console shows the boot marker even though it connected late.
  const serialContext = await browser.newContext();
  const serial = await serialContext.newPage();
  await login(serial, ADMIN.username, ADMIN.password);
  await serial.goto(`/machines/${id}/console?kind=serial`);
  await waitForHydration(serial);
  await expect(serial.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect.poll(() => serialText(serial), { timeout: 20_000 }).toContain('VLAB-GUEST-READY');

  // The graphical console draws the guest's screen.
  await page.goto(`/machines/${id}/console`);
  await waitForHydration(page);
  await expect(page.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(1);
  await page.screenshot({ path: '../target/e2e-results/console-vnc.png' });

  // Keys typed into noVNC reach the guest's console shell, which writes to the serial port.
  await page.locator('[data-screen] canvas').click();
  await page.keyboard.type('echo novnc5typed ');
  await runToSerial(page);
  await expect.poll(() => serialText(serial), { timeout: 20_000 }).toContain('novnc5typed');

  // Typing into xterm.js is echoed by the guest.
  await serial.locator('.xterm-screen').click();
  // A fresh line first: a terminal reply still in flight (a cursor
  // position report) ends up on a line of its own, not before the command.
  await serial.keyboard.press('Enter');
  await serial.waitForTimeout(500);
  await serial.keyboard.type('echo xterm$((3+4))ok');
  await serial.keyboard.press('Enter');
  await expect.poll(() => serialText(serial), { timeout: 20_000 }).toContain('xterm7ok');
  await serial.screenshot({ path: '../target/e2e-results/console-serial.png' });

  // Send text types its characters as key presses (the redirection around
  // it needs Shift, so it is typed with real keys).
  await page.locator('[data-screen] canvas').click();
  await page.keyboard.type('echo ');
  await page.locator('[data-send-text] input').fill('sendtextok');
  await page.locator('[data-send-text] button').click();
  await page.locator('[data-screen] canvas').click();
  await page.keyboard.type(' ');
  await runToSerial(page);
  await expect.poll(() => serialText(serial), { timeout: 20_000 }).toContain('sendtextok');

  // When the VM goes away both consoles say so, and when it is back they
  // reconnect by themselves (each attempt with a fresh single-use ticket)
  // and show the new boot.
  await lifecycle(request, headers, id, 'stop');
  await expect(page.getByTestId('console')).not.toHaveAttribute('data-state', 'connected');
  await expect(serial.getByTestId('console')).not.toHaveAttribute('data-state', 'connected');
  await serial.evaluate(() => (document.querySelector('[data-console]') as any).vlabConsole.term.clear());
  await lifecycle(request, headers, id, 'start');
  await expect(page.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 40_000 });
  await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(1);
  await expect(serial.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 40_000 });
  await expect.poll(() => serialText(serial), { timeout: 30_000 }).toContain('VLAB-GUEST-READY');

  // Disconnecting is clean and stays disconnected.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await expect(page.getByTestId('console')).toHaveAttribute('data-state', 'disconnected');
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('console')).toHaveAttribute('data-state', 'disconnected');
  await serialContext.close();
});
