import { test, expect, Page, CDPSession } from './fixtures';
import { ADMIN, waitForHydration } from './helpers';

/** What a student's browser pulls over a 10 Mbit/s school link (Chromium's
 * network emulation): bytes on the wire per request, and load times. */
type Transfer = { url: string; bytes: number; encoding: string; cached: boolean };

async function throttled(page: Page): Promise<{ cdp: CDPSession; transfers: Transfer[] }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: (10 * 1000 * 1000) / 8,
    uploadThroughput: (10 * 1000 * 1000) / 8,
  });
  const transfers: Transfer[] = [];
  const pending = new Map<string, { url: string; encoding: string; cached: boolean }>();
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    pending.set(e.requestId, { url: e.response.url, encoding: h['content-encoding'] ?? 'identity', cached: !!e.response.fromDiskCache || !!e.response.fromMemoryCache || e.response.status === 304 });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const p = pending.get(e.requestId);
    if (p) p.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const p = pending.get(e.requestId);
    if (p) transfers.push({ ...p, bytes: e.encodedDataLength });
  });
  return { cdp, transfers };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const wasmOf = (t: Transfer[]) => t.filter((x) => x.url.endsWith('.wasm'));
const total = (t: Transfer[]) => t.reduce((n, x) => n + x.bytes, 0);

test('a student on a 10 Mbit/s link: first load of sign-in and my labs under 350 KB of WebAssembly, a repeat load from cache', async ({ page, request }) => {
  const r = await request.post('/api/v1/auth/login', { data: ADMIN });
  const admin = { Authorization: `Bearer ${(await r.json()).data.token}` };
  const made = await request.post('/api/v1/users', { headers: admin, data: { username: 'loadstudent', role: 'student', password: 'loadstudent-password' } });
  expect(made.ok()).toBeTruthy();

  const { transfers } = await throttled(page);
  // First load, empty cache: the sign-in page, then my labs.
  let t0 = Date.now();
  await page.goto('/login');
  await waitForHydration(page);
  const firstLogin = Date.now() - t0;
  await page.fill('input[name=username]', 'loadstudent');
  await page.fill('input[name=password]', 'loadstudent-password');
  t0 = Date.now();
  await page.click('form[action="/login"] button[type=submit]');
  await expect(page.getByTestId('home-student')).toBeVisible();
  await waitForHydration(page);
  const firstHome = Date.now() - t0;
  const first = [...transfers];

  // Repeat load of my labs: the bundle comes from the cache.
  transfers.length = 0;
  t0 = Date.now();
  await page.reload();
  await expect(page.getByTestId('home-student')).toBeVisible();
  await waitForHydration(page);
  const repeat = Date.now() - t0;
  const again = [...transfers];

  const wasm = wasmOf(first);
  console.log(`first load: sign-in ${firstLogin} ms, my labs ${firstHome} ms; ${kib(total(first))} on the wire, of which WebAssembly ${kib(total(wasm))} (${wasm.map((w) => w.encoding).join(', ')})`);
  console.log(`repeat load of my labs: ${repeat} ms; ${kib(total(again))} on the wire, WebAssembly ${kib(total(wasmOf(again).filter((w) => !w.cached)))} fetched`);
  for (const x of first.filter((x) => x.bytes > 4096)) console.log(`  ${x.url.replace(/^https?:\/\/[^/]+/, '')} ${kib(x.bytes)} ${x.encoding}`);

  // The student's path is the main module only (no teacher/admin chunk), compressed.
  const modules = [...new Set(wasm.map((w) => w.url.replace(/^.*\/pkg\//, '')))];
  expect(modules).toEqual([expect.stringMatching(/^vlab\.[0-9a-f]{16}\.wasm$/)]);
  expect(['br', 'gzip']).toContain(wasm[0].encoding);
  const limit = wasm[0].encoding === 'br' ? 350 * 1024 : 450 * 1024;
  expect(total(wasm), `WebAssembly on the wire (${wasm[0].encoding})`).toBeLessThanOrEqual(limit);
  // Repeat: content-named files are not asked for again.
  expect(wasmOf(again).every((w) => w.cached), JSON.stringify(wasmOf(again))).toBeTruthy();
  expect(total(again)).toBeLessThan(total(first) / 4);
});
