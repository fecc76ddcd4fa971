//! A VM's snapshots: internal qcow2 snapshots with one tag across all the
//! VM's qcow2 disks, taken live through QEMU while the VM runs (disk state
//! only), with `qemu-img` while it is stopped. Reverting needs the VM stopped.

use super::vms::{current_state, load};
use crate::auth::Caller;
use crate::engine::qemu::commands::QemuCommand;
use crate::engine::qemu::img;
use crate::engine::VmId;
use crate::cluster::NodeCall;
use crate::error::Result;
use crate::state::AppState;
use app::error::AppError;
use app::types::{NewSnapshot, SnapshotView};

fn snapshot_name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        Some("must be 1 to 64 printable characters")
    } else {
        None
    }
}

async fn qcow2_disks(state: &AppState, vm_id: i64) -> Result<Vec<(usize, std::path::PathBuf)>> {
    let disks = state.store.vm_disks(vm_id).await?;
    let list: Vec<_> = disks
        .iter()
        .enumerate()
        .filter(|(_, d)| d.format == "qcow2")
        .map(|(i, d)| (i, super::storage::disk_path(state, d)))
        .collect();
    if list.is_empty() {
        return Err(AppError::conflict("NO_QCOW2_DISK", "the VM has no qcow2 disk to snapshot").into());
    }
    Ok(list)
}

pub async fn list_snapshots(state: &AppState, caller: &Caller, vm_id: i64) -> Result<Vec<SnapshotView>> {
    load(state, caller, vm_id).await?;
    Ok(state.store.snapshots(vm_id).await?.into_iter().map(|(v, _)| v).collect())
}

pub async fn create_snapshot(state: &AppState, caller: &Caller, vm_id: i64, s: NewSnapshot) -> Result<SnapshotView> {
    let vm = load(state, caller, vm_id).await?;
    if let Some(v) = crate::cluster::route(state, vm.view.node_id, caller, || NodeCall::CreateSnapshot { vm_id, input: s.clone() }).await? {
        return Ok(v);
    }
    if let Some(p) = snapshot_name_problem(&s.name) {
        return Err(AppError::invalid("name", p).into());
    }
    if state.store.snapshots(vm_id).await?.iter().any(|(v, _)| v.name == s.name.trim()) {
        return Err(AppError::conflict("SNAPSHOT_EXISTS", format!("the VM has a snapshot named '{}'", s.name.trim())).into());
    }
    let disks = qcow2_disks(state, vm_id).await?;
    // A snapshot holds what the disks have written so far: that much more
    // of the owner's (and a lab VM's course's) disk quota.
    let bytes: u64 = disks.iter().map(|(_, p)| crate::reserve::allocated(p)).sum();
    let course = state.store.vm_course(vm_id).await?;
    let _admission = crate::cluster::admit(state).await?;
    let demand = super::quotas::Demand { disk_mib: bytes.div_ceil(1 << 20), ..Default::default() };
    super::quotas::check_create(state, vm.view.owner_id, course, demand).await?;
    let tag = format!("vlab-{}", crate::auth::token::short_id());
    let running = current_state(state, &vm).await.has_process();
    let mut done: Vec<&std::path::PathBuf> = Vec::new();
    for (index, path) in &disks {
        let r = if running {
            state
                .engine
                .command(VmId(vm_id), QemuCommand::SnapshotCreate { disk: *index, tag: tag.clone() })
                .await
                .map_err(|e| e.to_string())
        } else {
            img::snapshot(&state.config.qemu_img_binary, path, "-c", &tag).await
        };
        if let Err(e) = r {
            // Take back what was made on the other disks.
            for p in done {
                let _ = img::snapshot(&state.config.qemu_img_binary, p, "-d", &tag).await;
            }
            return Err(AppError::conflict("SNAPSHOT_FAILED", e).into());
        }
        done.push(path);
    }
    Ok(state.store.insert_snapshot(vm_id, s.name.trim(), &tag, bytes).await?)
}

async fn find_snapshot(state: &AppState, vm_id: i64, id: i64) -> Result<(SnapshotView, String)> {
    Ok(state
        .store
        .snapshots(vm_id)
        .await?
        .into_iter()
        .find(|(v, _)| v.id == id)
        .ok_or_else(|| AppError::not_found("SNAPSHOT_NOT_FOUND", format!("the VM has no snapshot {id}")))?)
}

/// Puts the VM's disks back to the snapshot (VM stopped).
pub async fn revert_snapshot(state: &AppState, caller: &Caller, vm_id: i64, id: i64) -> Result<SnapshotView> {
    let vm = load(state, caller, vm_id).await?;
    if let Some(v) = crate::cluster::route(state, vm.view.node_id, caller, || NodeCall::RevertSnapshot { vm_id, snapshot_id: id }).await? {
        return Ok(v);
    }
    let (snap, tag) = find_snapshot(state, vm_id, id).await?;
    if current_state(state, &vm).await.has_process() {
        return Err(AppError::conflict("VM_RUNNING", "stop the VM before reverting it").into());
    }
    for (_, path) in qcow2_disks(state, vm_id).await? {
        img::snapshot(&state.config.qemu_img_binary, &path, "-a", &tag)
            .await
            .map_err(|e| AppError::conflict("SNAPSHOT_FAILED", e))?;
    }
    tracing::info!(vm_id, snapshot = id, "VM reverted to snapshot");
    Ok(snap)
}

pub async fn delete_snapshot(state: &AppState, caller: &Caller, vm_id: i64, id: i64) -> Result<()> {
    let vm = load(state, caller, vm_id).await?;
    if crate::cluster::route_unit(state, vm.view.node_id, caller, || NodeCall::DeleteSnapshot { vm_id, snapshot_id: id }).await? {
        return Ok(());
    }
    let (_, tag) = find_snapshot(state, vm_id, id).await?;
    let running = current_state(state, &vm).await.has_process();
    for (index, path) in qcow2_disks(state, vm_id).await.unwrap_or_default() {
        let r = if running {
            state
                .engine
                .command(VmId(vm_id), QemuCommand::SnapshotDelete { disk: index, tag: tag.clone() })
                .await
                .map_err(|e| e.to_string())
        } else {
            img::snapshot(&state.config.qemu_img_binary, &path, "-d", &tag).await
        };
        if let Err(e) = r {
            tracing::warn!(vm_id, error = %e, "snapshot tag could not be removed from a disk");
        }
    }
    state.store.delete_snapshot(id).await?;
    Ok(())
}
