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
    performance.getEntriesByType('resource').some((e) => e.name.endsWith('/pkg/vlab_bg.wasm') && e.responseEnd > 0),
  );
  // Give hydrate() a moment to attach handlers after instantiation.
  await page.waitForTimeout(300);
}
