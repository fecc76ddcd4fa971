"""Seeds a fresh vlab for the contract checks and prints an admin's personal
token: a course with a student, a VM with a disk, an ISO.

Usage: seed.py BASE_URL ADMIN_PASSWORD
"""

import hashlib
import json
import sys
import urllib.request

base, password = sys.argv[1], sys.argv[2]


def call(method, path, token=None, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", content_type)
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.load(r)["data"]


login = call("POST", "/auth/login", body={"username": "admin", "password": password})["token"]
token = call("POST", "/auth/tokens", login, {"name": "contract"})["token"]
course = call("POST", "/courses", token, {"code": "SEED-1", "title": "Seeded course"})
call("POST", "/users", token, {"username": "seed-student", "password": "seed-student-pw", "role": "student"})
call("POST", f"/courses/{course['id']}/members", token, {"username": "seed-student", "role": "student"})
vm = call("POST", "/vms", token, {"name": "seed-vm", "memory_mib": 128})
disk = call("POST", "/disks", token, {"name": "seed-disk", "size_mib": 16})
call("POST", f"/disks/{disk['id']}/attach", token, {"vm_id": vm["id"]})
iso = b"seed iso\n" * 100
entry = call("POST", "/isos", token, {"name": "seed.iso", "size_bytes": len(iso), "sha256": hashlib.sha256(iso).hexdigest()})
call("PUT", f"/isos/{entry['id']}/content?offset=0", token, iso, "application/octet-stream")
print(token)
