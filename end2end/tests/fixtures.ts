import { test as base, expect } from '@playwright/test';

export * from '@playwright/test';

/**
 * Every test fails when a page in its browser context reports a
 * Content-Security-Policy violation (a script, style, connection or
 * WebAssembly compile the policy blocked), so the UI is tested under the
 * policy it ships with.
 */
export const test = base.extend<{ policyGuard: void }>({
  policyGuard: [
    async ({ context }, use) => {
      const violations: string[] = [];
      context.on('console', (msg) => {
        if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) violations.push(msg.text());
      });
      await use();
      expect(violations, 'the page broke its Content-Security-Policy').toEqual([]);
    },
    { auto: true },
  ],
});
