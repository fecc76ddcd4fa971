import { test, expect, APIRequestContext } from './fixtures';
import { ADMIN, canvasColours, login, waitForHydration } from './helpers';

async function token(request: APIRequestContext, username: string, password: string) {
  const r = await request.post('/api/v1/auth/login', { data: { username, password } });
  expect(r.ok()).toBeTruthy();
  return { Authorization: `Bearer ${(await r.json()).data.token}` };
}

async function data(r: Promise<import('@playwright/test').APIResponse>) {
  const resp = await r;
  const body = await resp.json();
  expect(resp.ok(), JSON.stringify(body)).toBeTruthy();
  return body.data;
}

/** A course with one student, a template from a prepared VM and a published lab. */
async function classroom(request: APIRequestContext) {
  const admin = await token(request, ADMIN.username, ADMIN.password);
  for (const [username, role] of [['wallteacher', 'teacher'], ['wallstudent', 'student']]) {
    await data(request.post('/api/v1/users', { headers: admin, data: { username, role, password: `${username}-password` } }));
  }
  const t = await token(request, 'wallteacher', 'wallteacher-password');
  const course = await data(request.post('/api/v1/courses', { headers: t, data: { code: 'WALL-1', title: 'Wall course' } }));
  await data(request.post(`/api/v1/courses/${course.id}/members`, { headers: t, data: { username: 'wallstudent', role: 'student' } }));
  const vm = await data(request.post('/api/v1/vms', { headers: t, data: { name: 'prepared', memory_mib: 128, kernel: 'test-guest' } }));
  const disk = await data(request.post('/api/v1/disks', { headers: t, data: { name: 'base', size_mib: 16 } }));
  await data(request.post(`/api/v1/disks/${disk.id}/attach`, { headers: t, data: { vm_id: vm.id } }));
  const tpl = await data(request.post(`/api/v1/courses/${course.id}/templates`, { headers: t, data: { name: 'guest', vm_id: vm.id } }));
  const pub = await data(request.post(`/api/v1/courses/${course.id}/labs`, {
    headers: t, data: { name: 'Wall lab', template_version_id: tpl.versions[0].id },
  }));
  const op = await data(request.get(`/api/v1/operations/${pub.operation.id}/wait?timeout=60`, { headers: t }));
  expect(op.status).toBe('succeeded');
  return { lab: pub.lab.id as number };
}

test("a student's open-lab button reaches a drawing console; the teacher's class wall shows its thumbnail", async ({ page, browser, request }) => {
  const { lab } = await classroom(request);

  // The student: one button from the home page to the lab's screen.
  await login(page, 'wallstudent', 'wallstudent-password');
  await page.goto('/');
  await waitForHydration(page);
  const item = page.getByTestId('my-labs').locator('[data-lab="Wall lab"]');
  await expect(item).toBeVisible();
  await item.getByTestId('open-lab').click();
  await page.waitForURL(/\/machines\/\d+\/console$/, { timeout: 30_000 });
  await waitForHydration(page);
  await expect(page.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await expect.poll(() => canvasColours(page), { timeout: 30_000 }).toBeGreaterThan(1);

  // The teacher: the class wall shows the running VM's screen as a thumbnail.
  const teacherContext = await browser.newContext();
  const teacher = await teacherContext.newPage();
  await login(teacher, 'wallteacher', 'wallteacher-password');
  await teacher.goto(`/labs/${lab}/wall`);
  await waitForHydration(teacher);
  const seat = teacher.locator('[data-student="wallstudent"]');
  await expect(seat).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  const thumb = seat.getByTestId('thumb');
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete ? img.naturalWidth : 0), { timeout: 20_000 }).toBe(320);
  // Its CPU of the last minutes as a sparkline, refreshed with the wall.
  const spark = seat.locator('[data-testid="sparkline"] svg');
  await expect.poll(() => spark.evaluateAll((els) => (els.length ? Number(els[0].getAttribute('data-points')) : 0)), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  await teacher.screenshot({ path: '../target/e2e-results/class-wall.png' });

  // Clicking it opens the student's screen view-only.
  await seat.locator('a').first().click();
  await teacher.waitForURL(/view_only=1/);
  await waitForHydration(teacher);
  await expect(teacher.getByTestId('console')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await expect(teacher.getByTestId('console')).toHaveAttribute('data-view-only', 'true');
  await expect.poll(() => canvasColours(teacher), { timeout: 30_000 }).toBeGreaterThan(1);

  // The course page lists the lab; statistics count the student's start and console time.
  await teacher.goto('/courses');
  await waitForHydration(teacher);
  await teacher.getByTestId('course-table').getByRole('link', { name: 'WALL-1' }).click();
  await expect(teacher.getByTestId('labs').locator('[data-lab="Wall lab"]')).toBeVisible();
  await teacher.getByRole('link', { name: /Statistics/ }).click();
  const row = teacher.getByTestId('stats-table').locator('tr', { hasText: 'wallstudent' });
  await expect(row).toBeVisible();
  await expect(row.locator('td').nth(4)).toHaveText('1');
  await expect(teacher.getByTestId('stats-chart')).toBeVisible();
  await teacherContext.close();

  // The student's profile shows their quota usage: one VM, running.
  await page.goto('/profile');
  await expect(page.getByTestId('quota')).toContainText('Running VMs');
});
