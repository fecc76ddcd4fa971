//! Course templates: read-only base images, in numbered versions, made from
//! a prepared VM or uploaded. A version's file is `<id>.qcow2` in the
//! templates pool; nothing here takes a path from a request.

use super::courses::{self, Access};
use super::storage::{ensure_pool, qemu_img, receive_chunk, upload_problems, Chunk};
use crate::auth::Caller;
use crate::engine::qemu::img;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::store::VersionRecord;
use app::error::{AppError, FieldErrors};
use app::types::{ImageUpload, NewTemplate, NewTemplateVersion, TemplateVersionView, TemplateView};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Largest template image one may upload (64 GiB).
pub(crate) const MAX_IMAGE_BYTES: u64 = 64 << 30;

pub fn version_path(state: &AppState, version_id: i64) -> PathBuf {
    state.config.pool_dir("templates").join(format!("{version_id}.qcow2"))
}

pub(crate) fn part_path(state: &AppState, version_id: i64) -> PathBuf {
    state.config.pool_dir("templates").join(format!("{version_id}.part"))
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("TEMPLATE_NOT_FOUND", format!("no template with id {id}"))
}

fn version_not_found(id: i64) -> AppError {
    AppError::not_found("TEMPLATE_VERSION_NOT_FOUND", format!("no template version with id {id}"))
}

/// A template the caller may manage (a teacher of its course, or an admin).
async fn load(state: &AppState, caller: &Caller, id: i64) -> Result<TemplateView> {
    let t = state.store.template(id).await?.ok_or_else(|| not_found(id))?;
    courses::load_within(state, caller, t.course_id, Access::Manage, not_found(id)).await?;
    Ok(t)
}

/// A template version the caller may manage.
pub async fn load_version(state: &AppState, caller: &Caller, id: i64) -> Result<VersionRecord> {
    let v = state.store.template_version(id).await?.ok_or_else(|| version_not_found(id))?;
    courses::load_within(state, caller, v.course_id, Access::Manage, version_not_found(id)).await?;
    Ok(v)
}

fn make_read_only(path: &std::path::Path) -> Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).map_err(|e| ServerError::internal(format!("template file: {e}")))
}

/// Where a new version's image comes from.
enum Source {
    Vm(i64),
    Upload(ImageUpload),
}

fn source(vm_id: Option<i64>, upload: Option<ImageUpload>, fields: &mut FieldErrors) -> Option<Source> {
    match (vm_id, upload) {
        (Some(v), None) => Some(Source::Vm(v)),
        (None, Some(u)) => {
            upload_problems(u.size_bytes, MAX_IMAGE_BYTES, &u.sha256, fields);
            Some(Source::Upload(ImageUpload { size_bytes: u.size_bytes, sha256: u.sha256.trim().to_ascii_lowercase() }))
        }
        _ => {
            fields.insert("vm_id".into(), "give either vm_id (a prepared, stopped VM) or upload".into());
            None
        }
    }
}

pub async fn create(state: &AppState, caller: &Caller, course_id: i64, input: NewTemplate) -> Result<TemplateView> {
    courses::load(state, caller, course_id, Access::Manage).await?;
    // Made from a VM: by the VM's node, which has its disk.
    if let Some(vm_id) = input.vm_id {
        let node = super::vms::load_named(state, caller, "vm_id", vm_id).await?.view.node_id;
        let call = || crate::cluster::NodeCall::CreateTemplate { course_id, input: input.clone() };
        if let Some(t) = crate::cluster::route(state, node, caller, call).await? {
            return Ok(t);
        }
    }
    let mut fields = FieldErrors::new();
    let (name, description) = super::vms::check_label(&input.name, input.description, &mut fields);
    let src = source(input.vm_id, input.upload, &mut fields);
    super::vms::check_resources(state, input.cpus, input.memory_mib, &mut fields);
    // From a VM: its settings are the template's defaults.
    let vm = match &src {
        Some(Source::Vm(id)) => Some(prepared_vm(state, caller, *id).await?),
        _ => None,
    };
    if let (Some(k), None) = (&input.kernel, &vm) {
        if let Some(p) = super::vms::kernel_problem(state, k) {
            fields.insert("kernel".into(), p);
        }
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let src = src.expect("checked above");
    let cpus = input.cpus.or(vm.as_ref().map(|v| v.0.view.cpus)).unwrap_or(super::vms::DEFAULT_CPUS);
    let memory = input.memory_mib.or(vm.as_ref().map(|v| v.0.view.memory_mib)).unwrap_or(super::vms::DEFAULT_MEMORY_MIB);
    let disk_bus = vm.as_ref().map(|v| v.0.view.disk_bus).unwrap_or_default();
    let kernel = vm.as_ref().map(|v| v.0.view.kernel.clone()).unwrap_or(input.kernel);
    let id = state
        .store
        .insert_template(course_id, &name, &description, cpus, memory, disk_bus.as_str(), kernel.as_deref(), caller.id())
        .await
        .map_err(crate::error::unique_as(|| AppError::conflict("TEMPLATE_NAME_TAKEN", format!("the course has a template named '{name}' already"))))?;
    if let Err(e) = add_version(state, caller, id, src, vm.map(|v| v.1), "first version").await {
        state.store.delete_template(id).await?;
        return Err(e);
    }
    tracing::info!(template_id = id, course_id, user_id = caller.id(), "template created");
    Ok(state.store.template(id).await?.ok_or_else(|| not_found(id))?)
}

/// A VM the caller may use as a template source: reachable, stopped, with a
/// qcow2 first disk. Returns it and that disk.
async fn prepared_vm(state: &AppState, caller: &Caller, vm_id: i64) -> Result<(crate::store::VmRecord, app::types::DiskView)> {
    let vm = super::vms::load_named(state, caller, "vm_id", vm_id).await?;
    let s = super::vms::current_state(state, &vm).await;
    if s.has_process() {
        return Err(AppError::conflict("VM_RUNNING", format!("the VM is {}; shut it down first", s.as_str())).into());
    }
    let disk = state.store.vm_disks(vm_id).await?.into_iter().next().ok_or_else(|| AppError::invalid("vm_id", "the VM has no disk"))?;
    if disk.format != "qcow2" {
        return Err(AppError::invalid("vm_id", format!("the VM's first disk is {}; templates are made from qcow2 disks", disk.format)).into());
    }
    Ok((vm, disk))
}

pub async fn add(state: &AppState, caller: &Caller, template_id: i64, input: NewTemplateVersion) -> Result<TemplateView> {
    load(state, caller, template_id).await?;
    if let Some(vm_id) = input.vm_id {
        let node = super::vms::load_named(state, caller, "vm_id", vm_id).await?.view.node_id;
        let call = || crate::cluster::NodeCall::AddTemplateVersion { template_id, input: input.clone() };
        if let Some(t) = crate::cluster::route(state, node, caller, call).await? {
            return Ok(t);
        }
    }
    let mut fields = FieldErrors::new();
    let note = input.note.unwrap_or_default();
    if note.chars().count() > 500 {
        fields.insert("note".into(), "must be at most 500 characters".into());
    }
    let src = source(input.vm_id, input.upload, &mut fields);
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let src = src.expect("checked above");
    let disk = match &src {
        Source::Vm(id) => Some(prepared_vm(state, caller, *id).await?.1),
        Source::Upload(_) => None,
    };
    add_version(state, caller, template_id, src, disk, &note).await?;
    Ok(state.store.template(template_id).await?.ok_or_else(|| not_found(template_id))?)
}

/// Makes a version: from a VM, its disk file becomes the read-only base and
/// the VM goes on from a fresh overlay on it (instant, nothing copied);
/// from an upload, an empty version waits for chunks.
async fn add_version(state: &AppState, caller: &Caller, template_id: i64, src: Source, disk: Option<app::types::DiskView>, note: &str) -> Result<VersionRecord> {
    ensure_pool(state, "templates")?;
    match (src, disk) {
        (Source::Vm(_), Some(disk)) => {
            let v = state.store.insert_template_version(template_id, note, disk.virtual_size, None, None).await?;
            let base = version_path(state, v.view.id);
            let disk_file = super::storage::disk_path(state, &disk);
            let undo = |e: String| async move {
                let _ = state.store.delete_template_version(v.view.id).await;
                ServerError::internal(e)
            };
            if state.store.disk_backing(disk.id).await?.is_some() {
                // An overlay already: copy it flat, so each version stands alone.
                if let Err(e) = img::flatten(qemu_img(state), &disk_file, &base).await {
                    let _ = std::fs::remove_file(&base);
                    return Err(undo(format!("qemu-img convert: {e}")).await);
                }
                let fresh = disk_file.with_extension("new");
                if let Err(e) = img::create_overlay(qemu_img(state), &fresh, &base).await {
                    let _ = std::fs::remove_file(&base);
                    return Err(undo(format!("qemu-img create: {e}")).await);
                }
                std::fs::rename(&fresh, &disk_file).map_err(|e| ServerError::internal(e.to_string()))?;
            } else {
                if let Err(e) = std::fs::rename(&disk_file, &base) {
                    return Err(undo(format!("moving the disk into the templates pool: {e}")).await);
                }
                if let Err(e) = img::create_overlay(qemu_img(state), &disk_file, &base).await {
                    let _ = std::fs::rename(&base, &disk_file);
                    return Err(undo(format!("qemu-img create: {e}")).await);
                }
            }
            make_read_only(&base)?;
            state.store.set_disk_backing(disk.id, Some(v.view.id)).await?;
            tracing::info!(version_id = v.view.id, disk_id = disk.id, "template version made from a VM disk");
            Ok(v)
        }
        (Source::Upload(u), _) => {
            let _admission = super::storage::admit_upload(state, caller, "templates", u.size_bytes).await?;
            let v = state.store.insert_template_version(template_id, note, u.size_bytes, Some(&u.sha256), Some(caller.id())).await?;
            if let Err(e) = std::fs::File::create(part_path(state, v.view.id)) {
                state.store.delete_template_version(v.view.id).await?;
                return Err(ServerError::internal(format!("upload file: {e}")));
            }
            Ok(v)
        }
        (Source::Vm(_), None) => Err(ServerError::internal("a VM source without its disk")),
    }
}

/// Writes one chunk of a version's image. The last chunk checks the
/// SHA-256 and then the image itself: it must be a consistent qcow2 that
/// refers to no other file. A bad image is discarded with a 422.
pub async fn upload_chunk(state: &AppState, caller: &Caller, version_id: i64, offset: u64, data: &[u8]) -> Result<TemplateVersionView> {
    let _guard = state.uploads.lock(&format!("version-{version_id}")).await;
    let v = load_version(state, caller, version_id).await?;
    if v.view.status != "uploading" {
        return Err(AppError::conflict("UPLOAD_FINISHED", "this version is complete already").into());
    }
    let part = part_path(state, version_id);
    let sha = v.sha256.clone().unwrap_or_default();
    let outcome = receive_chunk("templates", &part, v.view.size_bytes, v.view.received_bytes, &sha, offset, data).await;
    let outcome = match outcome {
        Ok(Chunk::Complete) => validate_image(state, &part).await.map(|_| Chunk::Complete),
        other => other,
    };
    match outcome {
        Ok(Chunk::Known) => Ok(v.view),
        Ok(Chunk::Partial(end)) => {
            state.store.set_version_received(version_id, end, false).await?;
            Ok(state.store.template_version(version_id).await?.ok_or_else(|| version_not_found(version_id))?.view)
        }
        Ok(Chunk::Complete) => {
            let base = version_path(state, version_id);
            std::fs::rename(&part, &base).map_err(|e| ServerError::internal(e.to_string()))?;
            make_read_only(&base)?;
            state.store.set_version_received(version_id, v.view.size_bytes, true).await?;
            tracing::info!(version_id, bytes = v.view.size_bytes, "template image upload complete");
            Ok(state.store.template_version(version_id).await?.ok_or_else(|| version_not_found(version_id))?.view)
        }
        Err(e) => {
            // Only a completed image that fails its checks goes; a refused chunk changes nothing.
            let completing = offset.checked_add(data.len() as u64) == Some(v.view.size_bytes);
            if completing && matches!(&e, ServerError::App(AppError::Validation { .. })) {
                // Nothing half-made: the version goes, and its template if it had no other.
                let _ = std::fs::remove_file(&part);
                state.store.delete_template_version(version_id).await?;
                state.store.delete_template(v.view.template_id).await?;
            }
            Err(e)
        }
    }
}

/// A complete upload must be a qcow2 image (by content, not by name) that
/// `qemu-img check` finds consistent and that names no backing or data file.
async fn validate_image(state: &AppState, path: &std::path::Path) -> Result<()> {
    let bad = |why: String| -> ServerError {
        AppError::Validation { message: format!("{why}; the upload was discarded"), fields: [("image".to_string(), why)].into() }.into()
    };
    // Read as qcow2 and nothing else: what is not qcow2 fails here.
    let info = img::info(qemu_img(state), path, "qcow2").await.map_err(|e| bad(format!("the image is not qcow2 (raw, or another format): {e}")))?;
    if info.refers_elsewhere() {
        return Err(bad("the image refers to a backing or data file; upload a self-contained qcow2".into()));
    }
    img::check(qemu_img(state), path).await.map_err(|e| bad(format!("qemu-img check found problems: {e}")))?;
    Ok(())
}

pub async fn list(state: &AppState, caller: &Caller, course_id: i64) -> Result<Vec<TemplateView>> {
    courses::load(state, caller, course_id, Access::Manage).await?;
    Ok(state.store.course_templates(course_id).await?)
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<TemplateView> {
    load(state, caller, id).await
}

/// Deletes a version no lab or disk uses.
pub async fn delete_version(state: &AppState, caller: &Caller, version_id: i64) -> Result<()> {
    let v = load_version(state, caller, version_id).await?;
    if !state.store.delete_template_version(version_id).await? {
        return Err(AppError::conflict("TEMPLATE_VERSION_IN_USE", "a lab or a VM's disk still uses this version").into());
    }
    let _ = std::fs::remove_file(version_path(state, version_id));
    let _ = std::fs::remove_file(part_path(state, version_id));
    // A template with no versions left goes too.
    state.store.delete_template(v.view.template_id).await?;
    Ok(())
}
