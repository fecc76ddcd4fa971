"""The generated Python client against a live vlab: log in, upload an ISO in
chunks, make a VM and a disk, attach it, start the VM, get a console ticket,
stop and delete it; a student's 403 comes back as a typed ErrorEnvelope.

Usage: workflow.py BASE_URL ADMIN_PASSWORD   (PYTHONPATH=clients/python)
"""

import hashlib
import io
import sys

from vlab_client import AuthenticatedClient, Client
from vlab_client.api.auth import change_password, login
from vlab_client.api.console import open_console
from vlab_client.api.operations import wait_operation
from vlab_client.api.storage import attach_disk, begin_iso_upload, create_disk, delete_iso, get_disk, upload_iso_chunk
from vlab_client.api.users import create_user, list_users
from vlab_client.api.vms import change_vm_state, create_vm, delete_vm, get_vm, get_vm_metrics
from vlab_client.models import (
    Action,
    ConsoleRequest,
    ConsoleRequestKind,
    Credentials,
    DiskAttach,
    ErrorEnvelope,
    LoginResponse200,
    NewDisk,
    NewIso,
    NewUser,
    NewVm,
    PasswordChange,
    Role,
    StateChangeRequest,
    VmState,
)
from vlab_client.types import File

base, admin_password = sys.argv[1], sys.argv[2]
CHUNK = 64 * 1024


def expect(answer, kind):
    """The answer as the typed success it must be (an ErrorEnvelope fails the run)."""
    if not isinstance(answer, kind):
        sys.exit(f"expected {kind.__name__}, got {answer!r}")
    return answer


def sign_in(username, password):
    grant = expect(login.sync(client=Client(base_url=base), body=Credentials(username=username, password=password)), LoginResponse200)
    return AuthenticatedClient(base_url=base, token=grant.data.token, raise_on_unexpected_status=True)


def finish(client, operation):
    done = wait_operation.sync(operation.id, client=client, timeout=60).data
    assert done.status == "succeeded", f"operation {done.kind} ended {done.status}: {done.error}"


admin = sign_in("admin", admin_password)

# An ISO in three chunks; the last completes and checks it.
image = bytes(range(256)) * (CHUNK * 3 // 256 - 100)
iso = begin_iso_upload.sync(
    client=admin, body=NewIso(name="py-client.iso", size_bytes=len(image), sha256=hashlib.sha256(image).hexdigest())
).data
for offset in range(0, len(image), CHUNK):
    part = image[offset : offset + CHUNK]
    iso = upload_iso_chunk.sync(iso.id, client=admin, body=File(payload=io.BytesIO(part)), offset=offset).data
    assert iso.received_bytes == offset + len(part), iso
assert iso.status == "ready", iso

vm = create_vm.sync(client=admin, body=NewVm(name="py-client-vm", memory_mib=128, iso_id=iso.id)).data
disk = create_disk.sync(client=admin, body=NewDisk(name="py-client-disk", size_mib=16)).data
disk = attach_disk.sync(disk.id, client=admin, body=DiskAttach(vm_id=vm.id)).data
assert disk.vm_id == vm.id, disk

finish(admin, change_vm_state.sync(vm.id, client=admin, body=StateChangeRequest(action=Action.START)).data)
assert get_vm.sync(vm.id, client=admin).data.state == VmState.RUNNING
metrics = get_vm_metrics.sync(vm.id, client=admin).data
assert metrics.memory.rss_bytes > 0 and [d.disk_id for d in metrics.disks] == [disk.id], metrics
ticket = open_console.sync(vm.id, client=admin, body=ConsoleRequest(kind=ConsoleRequestKind.SERIAL)).data
assert ticket.ticket and ticket.ws_path.startswith(f"/api/v1/vms/{vm.id}/console/ws"), ticket
finish(admin, change_vm_state.sync(vm.id, client=admin, body=StateChangeRequest(action=Action.STOP)).data)
assert get_vm.sync(vm.id, client=admin).data.state == VmState.STOPPED

delete_vm.sync(vm.id, client=admin, delete_disks=True)
gone = get_disk.sync_detailed(disk.id, client=admin)
assert gone.status_code == 404 and isinstance(gone.parsed, ErrorEnvelope), gone
delete_iso.sync(iso.id, client=admin)

# A student may not list users: a 403 the client hands back typed.
create_user.sync(client=admin, body=NewUser(username="py-student", password="py-first-pass", role=Role.STUDENT))
student = sign_in("py-student", "py-first-pass")
change_password.sync(client=student, body=PasswordChange(current_password="py-first-pass", new_password="py-own-pass-1"))
student = sign_in("py-student", "py-own-pass-1")
refused = list_users.sync_detailed(client=student)
assert refused.status_code == 403, refused
assert isinstance(refused.parsed, ErrorEnvelope) and refused.parsed.error.code == "FORBIDDEN", refused.parsed
print("python client: workflow passed")
