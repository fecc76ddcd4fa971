import { test, expect } from './fixtures';
import { ADMIN, login, waitForHydration } from './helpers';

test('admin logs in through the form and sees the admin home', async ({ page }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await expect(page.getByTestId('home-admin')).toBeVisible();
  await expect(page.getByTestId('current-user')).toHaveText('Administrator');
});

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.fill('input[name=username]', ADMIN.username);
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('form[action="/login"] button[type=submit]');
  await expect(page).toHaveURL(/\/login\?error=/);
  await expect(page.getByRole('alert')).toContainText('Wrong username or password');
});

test('login works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ADMIN.username, ADMIN.password);
  await expect(page.getByTestId('home-admin')).toBeVisible();
  await context.close();
});

test('admin creates a student in the hydrated page; the student logs in and sees their home', async ({ page, browser }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await page.goto('/admin/users');
  await waitForHydration(page);
  // A marker that a full page load would wipe: the create must not reload.
  await page.evaluate(() => ((window as any).__stayed = true));
  const form = page.getByTestId('new-user-form');
  await form.locator('input[name=username]').fill('e2e-student');
  await form.locator('input[name=display_name]').fill('E2E Student');
  await form.locator('input[name=password]').fill('student-pass-1');
  await form.locator('select[name=role]').selectOption('student');
  await form.locator('button[type=submit]').click();
  await expect(page.locator('p.ok')).toContainText('User created');
  await expect(page.locator('tr[data-username="e2e-student"]')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);

  const context = await browser.newContext();
  const student = await context.newPage();
  await login(student, 'e2e-student', 'student-pass-1');
  await expect(student.getByTestId('home-student')).toBeVisible();
  await expect(student.getByTestId('home-student')).toContainText('My machines');
  await expect(student.getByRole('link', { name: 'Users' })).toHaveCount(0);
  // The admin page is not theirs.
  await student.goto('/admin/users');
  await expect(student.getByRole('alert')).toContainText('not allowed');
  await context.close();
});

test('the language switch changes the text and is remembered', async ({ page }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Administration');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('系统管理');
  await expect(page.getByTestId('lang-switch')).toHaveText('English');
  await page.reload();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('系统管理');
  await page.screenshot({ path: '../target/e2e-results/home-zh.png' });
});

test('a Chinese browser gets Chinese by default', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  await context.close();
});

test('profile: create a personal API token and use it against the API', async ({ page, request }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await page.goto('/profile');
  await waitForHydration(page);
  const form = page.getByTestId('token-form');
  await form.locator('input').first().fill('e2e-token');
  await form.locator('button[type=submit]').click();
  const token = (await page.getByTestId('new-token').innerText()).trim();
  expect(token).toMatch(/^vlab_/);
  const me = await request.get('/api/v1/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).data.username).toBe('admin');
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByText('No tokens.')).toBeVisible();
  const after = await request.get('/api/v1/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});
