// ISO upload for the library page: hashes the file (SHA-256), declares it,
// then sends 8 MiB chunks, resuming from what the server already has.
(function () {
  const CHUNK = 8 << 20;
  async function upload(form) {
    const file = form.querySelector('input[type=file]').files[0];
    const bar = form.querySelector('progress');
    const status = form.querySelector('.upload-status');
    if (!file) return;
    bar.hidden = false;
    status.textContent = 'hashing…';
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    const sha256 = Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, '0')).join('');
    let res = await fetch('/api/v1/isos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: file.name, size_bytes: file.size, sha256 }),
    });
    let body = await res.json();
    if (!body.success) { status.textContent = body.error.message; return; }
    const id = body.data.id;
    let offset = 0;
    while (offset < file.size) {
      const end = Math.min(offset + CHUNK, file.size);
      res = await fetch(`/api/v1/isos/${id}/content?offset=${offset}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: file.slice(offset, end),
      });
      body = await res.json();
      if (res.status === 409 && body.error.code === 'UPLOAD_OFFSET') {
        const info = await (await fetch(`/api/v1/isos/${id}`)).json();
        offset = info.data.received_bytes;
        continue;
      }
      if (!body.success) { status.textContent = body.error.message; return; }
      offset = body.data.received_bytes;
      bar.value = Math.round((offset / file.size) * 100);
      status.textContent = `${bar.value}%`;
    }
    status.textContent = 'done';
    location.reload();
  }
  document.addEventListener('submit', (e) => {
    if (e.target && e.target.id === 'iso-upload') { e.preventDefault(); upload(e.target); }
  });
})();
