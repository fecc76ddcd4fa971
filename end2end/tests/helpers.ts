import { expect, Page } from '@playwright/test';

export const ADMIN = { username: 'admin', password: 'e2e-admin-password' };

/** Logs in through the sign-in form and waits for the home page. */
export async function login(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form[action="/login"] button[type=submit]');
  await expect(page).toHaveURL(/\/$/);
}

/** Resolves once the WebAssembly has taken over the page. */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    performance.getEntriesByType('resource').some((e) => /\/pkg\/vlab\.[0-9a-f]{16}\.wasm$/.test(e.name) && e.responseEnd > 0),
  );
  // Give hydrate() a moment to attach handlers after instantiation.
  await page.waitForTimeout(300);
}

/** Distinct colours in a sample of the noVNC canvas. */
export async function canvasColours(page: Page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-screen] canvas') as HTMLCanvasElement | null;
    if (!c || c.width === 0) return 0;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

/** Types `>/dev/ttyS0` and Enter into the graphical console with real key
 * presses (Shift held for '>' and 'S': noVNC sends scancodes), so the
 * command typed so far writes its output to the serial port. */
export async function runToSerial(page: Page) {
  await page.keyboard.press('Shift+Period');
  await page.keyboard.type('/dev/tty');
  await page.keyboard.press('Shift+KeyS');
  await page.keyboard.type('0');
  await page.keyboard.press('Enter');
}

export async function serialText(page: Page) {
  return page.evaluate(() => document.querySelector('.xterm-rows')?.textContent ?? '');
}
