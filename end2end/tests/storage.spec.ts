import { test, expect } from './fixtures';
import { createHash } from 'node:crypto';
import { ADMIN, login, waitForHydration } from './helpers';

test('an ISO chosen in the library page is hashed, sent in chunks and listed ready', async ({ page, request }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await page.goto('/isos');
  await waitForHydration(page);

  // Two chunks and a bit (chunks are 8 MiB), with content that a wrong
  // offset or a lost chunk would change.
  const buffer = Buffer.alloc((17 << 20) + 123);
  for (let i = 0; i < buffer.length; i += 4096) buffer.writeUInt32LE(i, i);
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  const form = page.getByTestId('iso-upload');
  await form.locator('input[type=file]').setInputFiles({ name: 'two-chunks.iso', mimeType: 'application/x-iso9660-image', buffer });
  await form.locator('button[type=submit]').click();

  await expect(form.getByTestId('upload-status')).toContainText('two-chunks.iso ✓', { timeout: 30_000 });
  const row = page.locator('tr[data-iso="two-chunks.iso"]');
  await expect(row).toContainText('ready');

  const token = (await (await request.post('/api/v1/auth/login', { data: ADMIN })).json()).data.token;
  const isos = (await (await request.get('/api/v1/isos', { headers: { Authorization: `Bearer ${token}` } })).json()).data;
  const iso = isos.find((i: any) => i.name === 'two-chunks.iso');
  expect(iso.sha256).toBe(sha256);
  expect(iso.size_bytes).toBe(buffer.length);
});
