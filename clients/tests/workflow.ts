// The generated TypeScript client against a live vlab: log in, upload an ISO
// in chunks, make a VM and a disk, attach it, start the VM, get a console
// ticket, stop and delete it; a student's 403 comes back as a typed error.
// Usage: node target/clients-ts/tests/workflow.js BASE_URL ADMIN_PASSWORD
import { createHash } from 'node:crypto';
import { createVlabClient, uploadIsoChunk, type ErrorEnvelope, type VlabClient } from '../typescript/index';

const [base, adminPassword] = process.argv.slice(2);
const CHUNK = 64 * 1024;

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`workflow: ${what}`);
}

/** The data of a success, or a thrown error naming the failure. */
function data<T>(answer: { data?: { data: T }; error?: ErrorEnvelope; response: Response }): T {
  if (answer.error || !answer.data) {
    throw new Error(`${answer.response.status}: ${answer.error?.error.code} ${answer.error?.error.message}`);
  }
  return answer.data.data;
}

/** A success without data ("deleted"), or a thrown error naming the failure. */
function done(answer: { error?: ErrorEnvelope; response: Response }) {
  if (answer.error || !answer.response.ok) {
    throw new Error(`${answer.response.status}: ${answer.error?.error.code} ${answer.error?.error.message}`);
  }
}

async function signIn(username: string, password: string): Promise<VlabClient> {
  const grant = data(await createVlabClient(base).POST('/api/v1/auth/login', { body: { username, password } }));
  return createVlabClient(base, grant.token);
}

async function finish(client: VlabClient, operationId: number) {
  const done = data(await client.GET('/api/v1/operations/{id}/wait', { params: { path: { id: operationId }, query: { timeout: 60 } } }));
  check(done.status === 'succeeded', `operation ${done.kind} ended ${done.status}: ${done.error}`);
}

async function main() {
  const admin = await signIn('admin', adminPassword);

  // An ISO in three chunks; the last completes and checks it.
  const image = new Uint8Array(CHUNK * 3 - 25_600).map((_, i) => i % 256);
  const sha256 = createHash('sha256').update(image).digest('hex');
  let iso = data(await admin.POST('/api/v1/isos', { body: { name: 'ts-client.iso', size_bytes: image.length, sha256 } }));
  for (let offset = 0; offset < image.length; offset += CHUNK) {
    const part = image.subarray(offset, offset + CHUNK);
    iso = data(await uploadIsoChunk(admin, iso.id, offset, part));
    check(iso.received_bytes === offset + part.length, `received ${iso.received_bytes}`);
  }
  check(iso.status === 'ready', `the ISO is ${iso.status}`);

  const vm = data(await admin.POST('/api/v1/vms', { body: { name: 'ts-client-vm', memory_mib: 128, iso_id: iso.id } }));
  const disk = data(await admin.POST('/api/v1/disks', { body: { name: 'ts-client-disk', size_mib: 16 } }));
  const attached = data(await admin.POST('/api/v1/disks/{id}/attach', { params: { path: { id: disk.id } }, body: { vm_id: vm.id } }));
  check(attached.vm_id === vm.id, 'the disk is attached');

  const vmPath = { params: { path: { id: vm.id } } };
  await finish(admin, data(await admin.PUT('/api/v1/vms/{id}/state', { ...vmPath, body: { action: 'start' } })).id);
  check(data(await admin.GET('/api/v1/vms/{id}', vmPath)).state === 'running', 'the VM runs');
  const ticket = data(await admin.POST('/api/v1/vms/{id}/console', { ...vmPath, body: { kind: 'vnc' } }));
  check(ticket.ticket.length > 0 && ticket.ws_path.startsWith(`/api/v1/vms/${vm.id}/console/ws`), 'a console ticket');
  await finish(admin, data(await admin.PUT('/api/v1/vms/{id}/state', { ...vmPath, body: { action: 'stop' } })).id);
  check(data(await admin.GET('/api/v1/vms/{id}', vmPath)).state === 'stopped', 'the VM stopped');

  done(await admin.DELETE('/api/v1/vms/{id}', { params: { path: { id: vm.id }, query: { delete_disks: true } } }));
  const gone = await admin.GET('/api/v1/disks/{id}', { params: { path: { id: disk.id } } });
  check(gone.response.status === 404 && gone.error?.error.code === 'DISK_NOT_FOUND', 'the disk went with the VM');
  done(await admin.DELETE('/api/v1/isos/{id}', { params: { path: { id: iso.id } } }));

  // A student may not list users: a 403 the client hands back typed.
  data(await admin.POST('/api/v1/users', { body: { username: 'ts-student', password: 'ts-first-pass', role: 'student' } }));
  let student = await signIn('ts-student', 'ts-first-pass');
  done(await student.PUT('/api/v1/auth/password', { body: { current_password: 'ts-first-pass', new_password: 'ts-own-pass-1' } }));
  student = await signIn('ts-student', 'ts-own-pass-1');
  const refused = await student.GET('/api/v1/users');
  const error: ErrorEnvelope | undefined = refused.error;
  check(refused.response.status === 403 && error?.error.code === 'FORBIDDEN', `a typed 403, got ${refused.response.status}`);
  console.log('typescript client: workflow passed');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
