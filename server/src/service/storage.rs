//! Disks and the ISO library. Files are named by vlab from row ids inside
//! its pools; requests never name a path.

use super::Paging;
use crate::auth::Caller;
use crate::engine::qemu::commands::QemuCommand;
use crate::engine::qemu::img;
use crate::engine::state::VmState;
use crate::engine::VmId;
use crate::cluster::NodeCall;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use app::error::{AppError, FieldErrors};
use app::types::{CdromChange, DiskAttach, DiskResize, DiskView, IsoView, ListQuery, NewDisk, NewIso, Page, Role, VmView};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Largest disk one may make (1 TiB).
pub(crate) const MAX_DISK_MIB: u64 = 1024 * 1024;
/// Largest ISO one may upload (16 GiB).
pub(crate) const MAX_ISO_BYTES: u64 = 16 << 30;
/// Largest upload chunk.
pub const MAX_CHUNK_BYTES: usize = 16 << 20;

pub fn disk_path(state: &AppState, d: &DiskView) -> PathBuf {
    state.config.pool_dir("disks").join(format!("{}.{}", d.id, d.format))
}

pub fn iso_path(state: &AppState, id: i64) -> PathBuf {
    state.config.pool_dir("isos").join(format!("{id}.iso"))
}

fn iso_part_path(state: &AppState, id: i64) -> PathBuf {
    state.config.pool_dir("isos").join(format!("{id}.part"))
}

pub(crate) fn qemu_img(state: &AppState) -> &str {
    &state.config.qemu_img_binary
}

fn disk_not_found(id: i64) -> AppError {
    AppError::not_found("DISK_NOT_FOUND", format!("no disk with id {id}"))
}

fn iso_not_found(id: i64) -> AppError {
    AppError::not_found("ISO_NOT_FOUND", format!("no ISO with id {id}"))
}

fn owns(caller: &Caller, owner_id: i64) -> bool {
    caller.user.role == Role::Admin || caller.id() == owner_id
}

/// The one place disk access is decided.
async fn load_disk(state: &AppState, caller: &Caller, id: i64) -> Result<DiskView> {
    let d = state.store.disk(id).await?.filter(|d| owns(caller, d.owner_id)).ok_or_else(|| disk_not_found(id))?;
    Ok(d)
}

pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        Some("must be 1 to 64 printable characters")
    } else {
        None
    }
}

/// Bytes the filesystem holding `dir` has free for vlab (as an unprivileged writer would).
/// The refusal of a write the pool has no room for.
pub(crate) fn pool_full(pool: &str, detail: impl std::fmt::Display) -> AppError {
    AppError::InsufficientStorage { message: format!("the {pool} pool is out of space: {detail}") }
}

/// Refuses up front what the pool cannot hold while keeping
/// `storage_reserve_mib` free for the database and logs. (Thin disks can
/// still grow into that space; then the reserve file gives the same amount
/// back once: see `reserve`.)
pub(crate) fn ensure_room(state: &AppState, pool: &str, bytes: u64) -> Result<()> {
    let dir = ensure_pool(state, pool)?;
    let Some(free) = crate::reserve::free_bytes(&dir) else { return Ok(()) };
    let reserve = state.config.storage_reserve_mib << 20;
    if free < reserve.saturating_add(bytes) {
        let mib = |b: u64| b.div_ceil(1 << 20);
        return Err(pool_full(
            pool,
            format!("{} MiB are free, {} MiB are kept for the database, and this needs {} MiB", free >> 20, mib(reserve), mib(bytes)),
        )
        .into());
    }
    Ok(())
}

/// Admits a new upload of `bytes` into `pool`: the pool has room and the
/// uploader's disk quota holds it. The guard keeps admission closed until
/// the upload's row exists.
pub(crate) async fn admit_upload(state: &AppState, caller: &Caller, pool: &str, bytes: u64) -> Result<crate::cluster::Admission> {
    ensure_room(state, pool, bytes)?;
    let admission = crate::cluster::admit(state).await?;
    let demand = super::quotas::Demand { disk_mib: bytes.div_ceil(1 << 20), ..Default::default() };
    super::quotas::check_create(state, caller.id(), None, demand).await?;
    Ok(admission)
}

fn is_no_space(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// Space a new thin disk takes before its guest writes (qcow2 metadata).
const NEW_DISK_BYTES: u64 = 1 << 20;

pub(crate) fn ensure_pool(state: &AppState, pool: &str) -> Result<PathBuf> {
    let dir = state.config.pool_dir(pool);
    std::fs::create_dir_all(&dir).map_err(|e| ServerError::internal(format!("pool {pool}: {e}")))?;
    Ok(dir)
}

pub async fn create_disk(state: &AppState, caller: &Caller, input: NewDisk) -> Result<DiskView> {
    if let Some(node) = input.node_id.filter(|n| *n != state.node_id) {
        if state.store.node_route(node).await?.is_none() {
            return Err(AppError::invalid("node_id", format!("no node with id {node}")).into());
        }
        let input = NewDisk { node_id: None, ..input };
        return Ok(crate::cluster::route(state, Some(node), caller, || NodeCall::CreateDisk { input }).await?.expect("another node"));
    }
    let format = input.format.unwrap_or_else(|| "qcow2".into());
    let mut fields = FieldErrors::new();
    if let Some(p) = name_problem(&input.name) {
        fields.insert("name".into(), p.into());
    }
    if !matches!(format.as_str(), "qcow2" | "raw" | "vmdk") {
        fields.insert("format".into(), "must be qcow2, raw or vmdk".into());
    }
    if input.size_mib == 0 || input.size_mib > MAX_DISK_MIB {
        fields.insert("size_mib".into(), format!("must be between 1 and {MAX_DISK_MIB}"));
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    ensure_room(state, "disks", NEW_DISK_BYTES)?;
    let _admission = crate::cluster::admit(state).await?;
    super::quotas::check_create(state, caller.id(), None, super::quotas::Demand { disk_mib: input.size_mib, ..Default::default() }).await?;
    let disk = state.store.insert_disk(input.name.trim(), caller.id(), &format, input.size_mib << 20, state.node_id).await?;
    let path = disk_path(state, &disk);
    if let Err(e) = img::create(qemu_img(state), &path, &format, input.size_mib << 20).await {
        // Nothing half-made: the row goes with the failed file.
        state.store.delete_disk(disk.id).await?;
        let _ = std::fs::remove_file(&path);
        if e.contains("No space left") {
            return Err(pool_full("disks", "qemu-img could not write the new image").into());
        }
        return Err(ServerError::internal(format!("qemu-img create: {e}")));
    }
    tracing::info!(disk_id = disk.id, user_id = caller.id(), "disk created");
    Ok(disk)
}

pub async fn list_disks(state: &AppState, caller: &Caller, q: ListQuery) -> Result<Page<DiskView>> {
    let paging = Paging::from_query(&q)?;
    let owner = (caller.user.role != Role::Admin).then_some(caller.id());
    let (items, total) = state.store.list_disks(owner, paging.page_size, paging.offset()).await?;
    Ok(Page { items, pagination: paging.describe(total) })
}

/// One disk, with its real sizes from `qemu-img info`.
pub async fn get_disk(state: &AppState, caller: &Caller, id: i64) -> Result<DiskView> {
    let mut d = load_disk(state, caller, id).await?;
    if let Some(d) = crate::cluster::route(state, d.node_id, caller, || NodeCall::GetDisk { disk_id: id }).await? {
        return Ok(d);
    }
    let info = img::info(qemu_img(state), &disk_path(state, &d), &d.format).await.map_err(|e| ServerError::internal(format!("qemu-img info: {e}")))?;
    d.virtual_size = info.virtual_size;
    d.actual_size = Some(info.actual_size);
    Ok(d)
}

async fn vm_state(state: &AppState, vm_id: i64) -> Result<VmState> {
    Ok(match state.store.vm(vm_id).await? {
        Some(vm) => super::vms::current_state(state, &vm).await,
        None => VmState::Stopped,
    })
}

async fn require_vm_stopped(state: &AppState, vm_id: i64) -> Result<()> {
    let s = vm_state(state, vm_id).await?;
    if s.has_process() {
        return Err(AppError::conflict("VM_RUNNING", format!("the VM is {}; stop it first", s.as_str())).into());
    }
    Ok(())
}

pub async fn resize_disk(state: &AppState, caller: &Caller, id: i64, r: DiskResize) -> Result<DiskView> {
    let d = load_disk(state, caller, id).await?;
    if let Some(d) = crate::cluster::route(state, d.node_id, caller, || NodeCall::ResizeDisk { disk_id: id, resize: r.clone() }).await? {
        return Ok(d);
    }
    let new_size = r.size_mib.checked_shl(20).filter(|_| r.size_mib <= MAX_DISK_MIB).ok_or_else(|| AppError::invalid("size_mib", "is too large"))?;
    if new_size <= d.virtual_size {
        return Err(AppError::invalid("size_mib", format!("must be larger than the current {} MiB (disks only grow)", d.virtual_size >> 20)).into());
    }
    if d.format == "vmdk" {
        return Err(AppError::conflict("DISK_FORMAT", "vmdk disks cannot grow here; make a qcow2 or raw disk instead").into());
    }
    let course = match d.vm_id {
        Some(vm) => {
            require_vm_stopped(state, vm).await?;
            state.store.vm_course(vm).await?
        }
        None => None,
    };
    // Growing counts against the owner's quota (and the course's, for a lab disk).
    let _admission = crate::cluster::admit(state).await?;
    let demand = super::quotas::Demand { disk_mib: (new_size - d.virtual_size).div_ceil(1 << 20), ..Default::default() };
    super::quotas::check_create(state, d.owner_id, course, demand).await?;
    img::resize(qemu_img(state), &disk_path(state, &d), &d.format, new_size)
        .await
        .map_err(|e| ServerError::internal(format!("qemu-img resize: {e}")))?;
    state.store.set_disk_size(id, new_size).await?;
    get_disk(state, caller, id).await
}

pub async fn attach_disk(state: &AppState, caller: &Caller, id: i64, a: DiskAttach) -> Result<DiskView> {
    let d = load_disk(state, caller, id).await?;
    let vm = super::vms::load_named(state, caller, "vm_id", a.vm_id).await?;
    if !super::vms::manages_lab_vm(state, caller, &vm).await? {
        return Err(super::vms::lab_locked(format!("attaching a disk to VM {}", vm.view.id)).into());
    }
    // A lab overlay (a disk on a template) moves only by an admin's hand or
    // its teacher's (a disk kept on reset).
    let moves_lab_disks = caller.user.role == Role::Admin || (caller.user.role == Role::Teacher && d.owner_id == caller.id());
    if !moves_lab_disks && state.store.disk_backing(id).await?.is_some() {
        return Err(super::vms::lab_locked(format!("disk {id} is a lab VM's disk")).into());
    }
    if d.vm_id.is_some() {
        return Err(AppError::conflict("DISK_ATTACHED", "the disk is attached to a VM already; detach it first").into());
    }
    require_vm_stopped(state, vm.view.id).await?;
    // A disk on another node goes to the VM's node first.
    if let (Some(from), Some(to)) = (d.node_id, vm.view.node_id) {
        if from != to {
            if !crate::cluster::route_unit(state, Some(from), caller, || NodeCall::CarryDisk { disk_id: id, to }).await? {
                carry_disk(state, caller, id, to).await?;
            }
        }
    }
    if !state.store.set_disk_vm(id, None, Some(vm.view.id)).await? {
        return Err(AppError::conflict("DISK_ATTACHED", "the disk was attached elsewhere just now").into());
    }
    tracing::info!(disk_id = id, vm_id = vm.view.id, "disk attached");
    Ok(state.store.disk(id).await?.ok_or_else(|| disk_not_found(id))?)
}

/// Sends a detached disk of this node to node `to` (checked by SHA-256)
/// and hands it over.
pub async fn carry_disk(state: &AppState, caller: &Caller, id: i64, to: i64) -> Result<()> {
    let d = load_disk(state, caller, id).await?;
    if d.vm_id.is_some() {
        return Err(AppError::conflict("DISK_ATTACHED", "the disk is attached to a VM already; detach it first").into());
    }
    if state.config.shared_pool_dir.is_none() && state.store.disk_backing(id).await?.is_some() {
        return Err(AppError::conflict("IMAGE_NOT_SHARED", "the disk is a template's clone, which only a shared pool (shared_pool_dir) makes reachable from another node").into());
    }
    let Some(target) = crate::cluster::elsewhere(state, Some(to)).await? else { return Ok(()) };
    let path = disk_path(state, &d);
    crate::cluster::send_disk(state, &target, id, &path, |_| {})
        .await
        .map_err(|e| AppError::conflict("DISK_TRANSFER_FAILED", e))?;
    if !state.store.set_disk_node(id, state.node_id, to).await? {
        drop_sent(state, caller, &target, vec![id]).await;
        return Err(AppError::conflict("DISK_ATTACHED", "the disk changed while it was sent; try again").into());
    }
    let _ = std::fs::remove_file(&path);
    tracing::info!(disk_id = id, to = %target.name, "disk sent to another node");
    Ok(())
}

/// Has `target` remove the files of `disk_ids` it was sent before the
/// move or carry failed, so no copy stays behind there.
pub async fn drop_sent(state: &AppState, caller: &Caller, target: &crate::store::NodeRoute, disk_ids: Vec<i64>) {
    if disk_ids.is_empty() {
        return;
    }
    let call = NodeCall::DropReceived { disk_ids: disk_ids.clone() };
    match crate::cluster::call::<serde_json::Value>(state, target, caller, call).await {
        Ok(_) => tracing::info!(?disk_ids, node = %target.name, "copies of an unfinished transfer removed"),
        Err(e) => tracing::warn!(?disk_ids, node = %target.name, error = %crate::error::describe(&e), "copies of an unfinished transfer stay"),
    }
}

/// Removes the files of `disk_ids` that another node sent here, as long as
/// the disks still belong to another node (a transfer that did not finish).
pub async fn drop_received(state: &AppState, disk_ids: &[i64]) -> Result<()> {
    for id in disk_ids {
        let Some(d) = state.store.disk(*id).await? else { continue };
        if d.node_id.is_some_and(|n| n != state.node_id) {
            let _ = std::fs::remove_file(disk_path(state, &d));
        }
    }
    Ok(())
}

pub async fn detach_disk(state: &AppState, caller: &Caller, id: i64) -> Result<DiskView> {
    let d = load_disk(state, caller, id).await?;
    let Some(vm) = d.vm_id else {
        return Err(AppError::conflict("DISK_NOT_ATTACHED", "the disk is not attached").into());
    };
    if let Some(record) = state.store.vm(vm).await? {
        if !super::vms::manages_lab_vm(state, caller, &record).await? {
            return Err(super::vms::lab_locked(format!("detaching a disk from VM {vm}")).into());
        }
    }
    require_vm_stopped(state, vm).await?;
    state.store.set_disk_vm(id, Some(vm), None).await?;
    Ok(state.store.disk(id).await?.ok_or_else(|| disk_not_found(id))?)
}

pub async fn delete_disk(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    let d = load_disk(state, caller, id).await?;
    if d.vm_id.is_none() && crate::cluster::route_unit(state, d.node_id, caller, || NodeCall::DeleteDisk { disk_id: id }).await? {
        return Ok(());
    }
    if d.vm_id.is_some() || !state.store.delete_disk(id).await? {
        return Err(AppError::conflict("DISK_ATTACHED", "the disk is attached to a VM; detach it first").into());
    }
    let _ = std::fs::remove_file(disk_path(state, &d));
    tracing::info!(disk_id = id, user_id = caller.id(), "disk deleted");
    Ok(())
}

fn iso_visible(caller: &Caller, iso: &IsoView) -> bool {
    iso.status == "ready" || owns(caller, iso.owner_id)
}

async fn load_iso(state: &AppState, caller: &Caller, id: i64) -> Result<IsoView> {
    Ok(state.store.iso(id).await?.filter(|i| iso_visible(caller, i)).ok_or_else(|| iso_not_found(id))?)
}

/// Starts an upload (teachers and admins).
pub async fn begin_iso(state: &AppState, caller: &Caller, input: NewIso) -> Result<IsoView> {
    if caller.user.role == Role::Student {
        return Err(AppError::forbidden().into());
    }
    let mut fields = FieldErrors::new();
    if let Some(p) = name_problem(&input.name) {
        fields.insert("name".into(), p.into());
    }
    let sha = upload_problems(input.size_bytes, MAX_ISO_BYTES, &input.sha256, &mut fields);
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let _admission = admit_upload(state, caller, "isos", input.size_bytes).await?;
    let iso = state
        .store
        .insert_iso(input.name.trim(), caller.id(), input.size_bytes, &sha)
        .await?;
    std::fs::File::create(iso_part_path(state, iso.id))
        .map_err(|e| ServerError::internal(format!("upload file: {e}")))?;
    Ok(iso)
}

/// How far an upload got after a chunk.
pub(crate) enum Chunk {
    /// A resent chunk we have already; nothing written.
    Known,
    /// Written; this many bytes are in now, short of the whole.
    Partial(u64),
    /// Written; the file is whole and its SHA-256 matches.
    Complete,
}

/// Writes one chunk at `offset` of an upload into `part`. A chunk that was
/// received already is accepted again (a resumed upload may resend it); a
/// gap is refused with the offset to resume from. The last chunk checks the
/// SHA-256; on a mismatch the caller discards the upload.
/// A write that runs out of space is undone back to `received` (the upload
/// stays resumable from there) and answered 507 naming `pool`.
pub(crate) async fn receive_chunk(
    pool: &str,
    part: &std::path::Path,
    size: u64,
    received: u64,
    sha256: &str,
    offset: u64,
    data: &[u8],
) -> Result<Chunk> {
    let end = offset.checked_add(data.len() as u64).ok_or_else(|| AppError::invalid("offset", "is too large"))?;
    if end > size {
        return Err(AppError::invalid("offset", format!("the chunk ends at {end}, past the declared size {size}")).into());
    }
    if offset > received {
        return Err(AppError::conflict("UPLOAD_OFFSET", format!("expected the chunk at offset {received}; resume from there")).into());
    }
    if end <= received {
        return Ok(Chunk::Known);
    }
    let mut f = tokio::fs::OpenOptions::new().write(true).open(part).await.map_err(|e| ServerError::internal(format!("upload file: {e}")))?;
    f.seek(std::io::SeekFrom::Start(offset)).await.map_err(|e| ServerError::internal(e.to_string()))?;
    let written = match f.write_all(data).await {
        Ok(()) => f.sync_data().await,
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        if is_no_space(&e) {
            // Free what the failed chunk took; the upload resumes at `received`.
            let _ = f.set_len(received).await;
            return Err(pool_full(pool, format!("the chunk at offset {offset} did not fit; resume from {received} once there is room")).into());
        }
        return Err(ServerError::internal(e.to_string()));
    }
    if end < size {
        return Ok(Chunk::Partial(end));
    }
    let digest = sha256_file(part).await.map_err(|e| ServerError::internal(e.to_string()))?;
    if digest != sha256 {
        return Err(AppError::Validation {
            message: format!("the uploaded file's SHA-256 is {digest}, not the declared {sha256}; the upload was discarded"),
            fields: [("sha256".to_string(), "does not match the uploaded data".to_string())].into(),
        }
        .into());
    }
    Ok(Chunk::Complete)
}

/// Checks a declared upload: size within `max`, SHA-256 as 64 hex digits.
pub(crate) fn upload_problems(size: u64, max: u64, sha256: &str, fields: &mut FieldErrors) -> String {
    if size == 0 || size > max {
        fields.insert("size_bytes".into(), format!("must be between 1 and {max}"));
    }
    let sha = sha256.trim().to_ascii_lowercase();
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        fields.insert("sha256".into(), "must be 64 hex digits".into());
    }
    sha
}

/// Writes one chunk of an ISO upload (see [`receive_chunk`]).
pub async fn upload_chunk(state: &AppState, caller: &Caller, id: i64, offset: u64, data: &[u8]) -> Result<IsoView> {
    let _guard = state.uploads.lock(&format!("iso-{id}")).await;
    let iso = state.store.iso(id).await?.filter(|i| owns(caller, i.owner_id)).ok_or_else(|| iso_not_found(id))?;
    if iso.status != "uploading" {
        return Err(AppError::conflict("UPLOAD_FINISHED", "this ISO is complete already").into());
    }
    let part = iso_part_path(state, id);
    match receive_chunk("isos", &part, iso.size_bytes, iso.received_bytes, &iso.sha256, offset, data).await {
        Ok(Chunk::Known) => Ok(iso),
        Ok(Chunk::Partial(end)) => {
            state.store.set_iso_received(id, end, false).await?;
            Ok(state.store.iso(id).await?.ok_or_else(|| iso_not_found(id))?)
        }
        Ok(Chunk::Complete) => {
            tokio::fs::rename(&part, iso_path(state, id)).await.map_err(|e| ServerError::internal(e.to_string()))?;
            state.store.set_iso_received(id, iso.size_bytes, true).await?;
            tracing::info!(iso_id = id, bytes = iso.size_bytes, "ISO upload complete");
            Ok(state.store.iso(id).await?.ok_or_else(|| iso_not_found(id))?)
        }
        Err(e) => {
            // A completed file that is not the one declared goes; a chunk that
            // was refused (past the end, say) leaves the upload as it was.
            let completing = offset.checked_add(data.len() as u64) == Some(iso.size_bytes);
            if completing && matches!(&e, ServerError::App(AppError::Validation { .. })) {
                state.store.delete_iso(id).await?;
                let _ = tokio::fs::remove_file(&part).await;
            }
            Err(e)
        }
    }
}

/// Removes uploads (ISOs and template images) that received nothing for
/// `upload_abandon_secs`: their rows and `.part` files. Until then they
/// count against their uploader's disk quota. Returns how many went.
pub async fn sweep_abandoned_uploads(state: &AppState) -> Result<usize> {
    let before = crate::time::now() - state.config.upload_abandon_secs as i64;
    let mut gone = 0;
    for id in state.store.stale_iso_uploads(before).await? {
        let _guard = state.uploads.lock(&format!("iso-{id}")).await;
        if state.store.delete_iso(id).await? {
            let _ = std::fs::remove_file(iso_part_path(state, id));
            tracing::info!(iso_id = id, "abandoned ISO upload removed");
            gone += 1;
        }
    }
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(state.config.upload_abandon_secs);
    for (version, template) in state.store.unfinished_template_uploads().await? {
        let _guard = state.uploads.lock(&format!("version-{version}")).await;
        let part = super::templates::part_path(state, version);
        // A template version has no time of its last chunk; its file has.
        let last = std::fs::metadata(&part).and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH);
        if last < cutoff && state.store.delete_template_version(version).await? {
            let _ = std::fs::remove_file(&part);
            state.store.delete_template(template).await?;
            tracing::info!(version_id = version, "abandoned template upload removed");
            gone += 1;
        }
    }
    Ok(gone)
}

pub(crate) async fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    let mut f = tokio::fs::File::open(path).await?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

pub async fn list_isos(state: &AppState, caller: &Caller, q: ListQuery) -> Result<Page<IsoView>> {
    let paging = Paging::from_query(&q)?;
    let uploader = (caller.user.role != Role::Admin).then_some(caller.id());
    let (items, total) = state.store.list_isos(uploader, paging.page_size, paging.offset()).await?;
    Ok(Page { items, pagination: paging.describe(total) })
}

pub async fn get_iso(state: &AppState, caller: &Caller, id: i64) -> Result<IsoView> {
    load_iso(state, caller, id).await
}

pub async fn delete_iso(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    let iso = load_iso(state, caller, id).await?;
    if !owns(caller, iso.owner_id) {
        return Err(AppError::forbidden().into());
    }
    let users = state.store.iso_mounted_by(id).await?;
    if !users.is_empty() || !state.store.delete_iso(id).await? {
        return Err(AppError::conflict("ISO_IN_USE", format!("the ISO is in the CD-ROM drive of VM(s) {users:?}")).into());
    }
    let _ = std::fs::remove_file(iso_path(state, id));
    let _ = std::fs::remove_file(iso_part_path(state, id));
    Ok(())
}

/// Puts an ISO in a VM's CD-ROM drive (or ejects it); live on a running VM.
pub async fn change_cdrom(state: &AppState, caller: &Caller, vm_id: i64, c: CdromChange) -> Result<VmView> {
    let vm = super::vms::load(state, caller, vm_id).await?;
    if let Some(v) = crate::cluster::route(state, vm.view.node_id, caller, || NodeCall::ChangeCdrom { vm_id, change: c.clone() }).await? {
        return Ok(v);
    }
    if let Some(iso_id) = c.iso_id {
        let iso = load_iso(state, caller, iso_id).await?;
        if iso.status != "ready" {
            return Err(AppError::conflict("ISO_NOT_READY", "the ISO upload is not finished").into());
        }
    }
    if super::vms::current_state(state, &vm).await.has_process() {
        let command = match c.iso_id {
            Some(iso_id) => QemuCommand::ChangeMedium { iso: iso_path(state, iso_id) },
            None => QemuCommand::Eject,
        };
        let result = state.engine.command(VmId(vm_id), command).await;
        result.map_err(|e| AppError::conflict("CDROM_CHANGE_FAILED", e.to_string()))?;
    }
    state.store.set_vm_iso(vm_id, c.iso_id).await?;
    super::vms::get(state, caller, vm_id).await
}
