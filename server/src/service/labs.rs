//! Labs: a template version handed out to every student of a course as a
//! linked clone (a qcow2 overlay on the read-only template), reset to
//! baseline, bulk actions for the class wall, and the schedule.

use super::courses::{self, Access};
use super::operations::{self, Progress, Spec, Target};
use super::quotas::{self, Demand};
use crate::auth::Caller;
use crate::engine::qemu::img;
use crate::engine::VmId;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::store::{LabRecord, NewCloneRow, NewLabRow, VersionRecord};
use crate::time;
use app::error::{AppError, FieldErrors};
use app::types::{
    Action, BulkAction, BulkKind, BulkOutcome, LabPatch, LabView, NewLab, OpenedLab, Publication, ResetRequest, SeatView, StateChangeRequest, VmView,
};
use std::time::Duration;
use time_crate::format_description::well_known::Rfc3339;

use ::time as time_crate;

/// Clones made at once while publishing.
const PARALLEL_CLONES: usize = 8;

fn not_found(id: i64) -> AppError {
    AppError::not_found("LAB_NOT_FOUND", format!("no lab with id {id}"))
}

/// A lab the caller may see (`Attend`) or manage.
async fn load(state: &AppState, caller: &Caller, id: i64, need: Access) -> Result<LabRecord> {
    let lab = state.store.lab(id, caller.id()).await?.ok_or_else(|| not_found(id))?;
    courses::load_within(state, caller, lab.view.course_id, need, not_found(id)).await?;
    Ok(lab)
}

pub(crate) fn parse_time(field: &str, s: &str, fields: &mut FieldErrors) -> Option<i64> {
    match time_crate::OffsetDateTime::parse(s.trim(), &Rfc3339) {
        Ok(t) => Some(t.unix_timestamp()),
        Err(_) => {
            fields.insert(field.into(), "must be an RFC 3339 time, e.g. 2026-09-01T08:00:00Z".into());
            None
        }
    }
}

pub(crate) const MAX_MINUTES: u32 = 7 * 24 * 60;

fn check_minutes(name: &str, v: Option<u32>, fields: &mut FieldErrors) {
    if v.is_some_and(|m| m > MAX_MINUTES) {
        fields.insert(name.into(), format!("must be at most {MAX_MINUTES} minutes"));
    }
}

/// A ready version of one of the course's templates.
async fn usable_version(state: &AppState, course_id: i64, version_id: i64, fields: &mut FieldErrors) -> Result<Option<VersionRecord>> {
    match state.store.template_version(version_id).await? {
        Some(v) if v.course_id == course_id && v.view.status == "ready" => Ok(Some(v)),
        Some(v) if v.course_id == course_id => {
            fields.insert("template_version_id".into(), "the version's upload is not finished".into());
            Ok(None)
        }
        _ => {
            fields.insert("template_version_id".into(), format!("no template version {version_id} in this course"));
            Ok(None)
        }
    }
}

/// Publishes a lab: stores it and starts one operation that makes every
/// enrolled student's linked clone.
pub async fn publish(state: &AppState, caller: &Caller, course_id: i64, input: NewLab) -> Result<Publication> {
    let course = courses::load(state, caller, course_id, Access::Manage).await?;
    if course.archived {
        return Err(AppError::conflict("COURSE_ARCHIVED", "the course is archived").into());
    }
    let mut fields = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if let Some(p) = super::storage::name_problem(&name) {
        fields.insert("name".into(), p.into());
    }
    let description = input.description.unwrap_or_default();
    if description.chars().count() > 4000 {
        fields.insert("description".into(), "must be at most 4000 characters".into());
    }
    let version = usable_version(state, course_id, input.template_version_id, &mut fields).await?;
    let template = match &version {
        Some(v) => state.store.template(v.view.template_id).await?,
        None => None,
    };
    let cpus = input.cpus.or(template.as_ref().map(|t| t.cpus)).unwrap_or(super::vms::DEFAULT_CPUS);
    let memory = input.memory_mib.or(template.as_ref().map(|t| t.memory_mib)).unwrap_or(super::vms::DEFAULT_MEMORY_MIB);
    super::vms::check_resources(state, Some(cpus), Some(memory), &mut fields);
    let opens_at = input.opens_at.as_deref().filter(|s| !s.trim().is_empty()).and_then(|s| parse_time("opens_at", s, &mut fields));
    let closes_at = input.closes_at.as_deref().filter(|s| !s.trim().is_empty()).and_then(|s| parse_time("closes_at", s, &mut fields));
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if c <= o {
            fields.insert("closes_at".into(), "must be after opens_at".into());
        }
    }
    check_minutes("auto_start_minutes", input.auto_start_minutes, &mut fields);
    check_minutes("auto_stop_minutes", input.auto_stop_minutes, &mut fields);
    check_minutes("idle_stop_minutes", input.idle_stop_minutes, &mut fields);
    if input.auto_start_minutes.is_some() && opens_at.is_none() {
        fields.insert("auto_start_minutes".into(), "needs opens_at".into());
    }
    if input.auto_stop_minutes.is_some() && closes_at.is_none() {
        fields.insert("auto_stop_minutes".into(), "needs closes_at".into());
    }
    if input.idle_stop_minutes == Some(0) {
        fields.insert("idle_stop_minutes".into(), "must be 1 or more".into());
    }
    if let Some(node) = input.node_id {
        check_pin(state, caller, node, &mut fields).await?;
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let version = version.expect("checked above");
    // The course's quota must hold the whole class.
    let students = state.store.course_students(course_id).await?;
    let n = students.len() as u64;
    let class = Demand { vms: n, vcpus: n * cpus as u64, memory_mib: n * memory as u64, disk_mib: n * (version.view.size_bytes >> 20) };
    if let Some((limit, max, used, unit)) = quotas::course_breach(state, course_id, class).await? {
        return Err(AppError::conflict(
            "QUOTA_EXCEEDED",
            format!("course {course_id}'s quota: {limit} is {max}{unit} and {used}{unit} are in use; {n} students would go past it"),
        )
        .into());
    }
    let lab_id = state
        .store
        .insert_lab(NewLabRow {
            course_id,
            template_version_id: version.view.id,
            name: &name,
            description: &description,
            cpus,
            memory_mib: memory,
            opens_at,
            closes_at,
            auto_start_minutes: input.auto_start_minutes,
            auto_stop_minutes: input.auto_stop_minutes,
            idle_stop_minutes: input.idle_stop_minutes,
            outbound: input.outbound.unwrap_or(true),
            created_by: caller.id(),
            node_id: input.node_id,
        })
        .await
        .map_err(crate::error::unique_as(|| AppError::conflict("LAB_NAME_TAKEN", format!("the course has a lab named '{name}' already"))))?;
    let lab = state.store.lab(lab_id, caller.id()).await?.ok_or_else(|| not_found(lab_id))?;
    tracing::info!(lab_id, course_id, students = students.len(), "lab published");
    let operation = start_roll_out(state, caller, lab.clone(), version, students).await?;
    Ok(Publication { lab: lab.view, operation })
}

/// A failed or cancelled roll-out again: clones for the course's students
/// who have none in the lab yet (those made stay as they are).
pub async fn roll_out_again(state: &AppState, caller: &Caller, lab_id: i64) -> Result<app::types::OperationView> {
    let lab = load(state, caller, lab_id, Access::Manage).await?;
    let version = state
        .store
        .template_version(lab.view.template_version_id)
        .await?
        .ok_or_else(|| AppError::conflict("TEMPLATE_VERSION_GONE", "the lab's template version is gone"))?;
    let students = state.store.course_students(lab.view.course_id).await?;
    tracing::info!(lab_id, students = students.len(), "lab roll-out retried");
    start_roll_out(state, caller, lab, version, students).await
}

/// The operation that makes `students`' clones of `lab`.
async fn start_roll_out(
    state: &AppState,
    caller: &Caller,
    lab: LabRecord,
    version: VersionRecord,
    students: Vec<(i64, String)>,
) -> Result<app::types::OperationView> {
    let st = state.clone();
    let spec = Spec { kind: "publish", target: Target::Lab(lab.view.id), owner_id: Some(caller.id()), cancellable: true };
    operations::run(state, caller, spec, move |progress| async move { roll_out(&st, &lab, &version, &progress, students).await }).await
}

/// Makes the clones of a lab, a few at once, reporting progress; stops
/// between batches when cancelled (the clones made so far stay).
async fn roll_out(state: &AppState, lab: &LabRecord, version: &VersionRecord, progress: &Progress, students: Vec<(i64, String)>) -> std::result::Result<(), String> {
    let total = students.len().max(1);
    let mut failures = Vec::new();
    let mut done = 0;
    // Students are spread over the nodes by free memory; another node
    // makes its clones itself, asked as the lab's publisher.
    let nodes = super::vms::spread_lab(state, lab, students.len()).await.map_err(|e| crate::error::describe(&e))?;
    let publisher = system_caller(state, lab).await.map_err(|e| crate::error::describe(&e))?;
    let plan: Vec<_> = students.iter().zip(nodes).collect();
    for chunk in plan.chunks(PARALLEL_CLONES) {
        if progress.cancelled() {
            return Err(format!("cancelled after {done} of {} clones", students.len()));
        }
        let made = futures_util::future::join_all(
            chunk.iter().map(|((uid, _), node)| provision_on(state, publisher.as_ref(), node.as_ref(), lab, version, *uid)),
        )
        .await;
        for (((_, username), _), r) in chunk.iter().zip(made) {
            if let Err(e) = r {
                failures.push(format!("{username}: {}", crate::error::describe(&e)));
            }
        }
        done += chunk.len();
        progress.set((done * 100 / total).min(99) as u8).await;
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} of {} clones failed: {}", failures.len(), students.len(), failures.join("; ")))
    }
}

/// `provision` on `node` (`None`: this one), asked as `caller` there.
async fn provision_on(
    state: &AppState,
    caller: Option<&Caller>,
    node: Option<&crate::store::NodeRoute>,
    lab: &LabRecord,
    version: &VersionRecord,
    user_id: i64,
) -> Result<i64> {
    match (node, caller) {
        (Some(node), Some(caller)) => {
            if let Some(id) = state.store.lab_vm_of(lab.view.id, user_id).await? {
                return Ok(id);
            }
            let call = crate::cluster::NodeCall::Provision { lab_id: lab.view.id, user_id };
            crate::cluster::call(state, node, caller, call).await
        }
        _ => provision(state, lab, version, user_id).await,
    }
}

/// Makes a student's lab VM on this node, for another node's roll-out.
pub async fn provision_here(state: &AppState, caller: &Caller, lab_id: i64, user_id: i64) -> Result<i64> {
    let lab = state.store.lab(lab_id, caller.id()).await?.ok_or_else(|| not_found(lab_id))?;
    let version = lab_version(state, &lab).await?;
    provision(state, &lab, &version, user_id).await
}

/// The template version a lab hands out now.
async fn lab_version(state: &AppState, lab: &LabRecord) -> Result<VersionRecord> {
    state.store.template_version(lab.view.template_version_id).await?.ok_or_else(|| ServerError::internal("the lab's version is gone"))
}

/// The student's VM in the lab, made now (from `version`, the lab's) if it
/// does not exist yet.
async fn provision(state: &AppState, lab: &LabRecord, version: &VersionRecord, user_id: i64) -> Result<i64> {
    if let Some(id) = state.store.lab_vm_of(lab.view.id, user_id).await? {
        return Ok(id);
    }
    let l = &lab.view;
    let (vm_id, disk_id) = {
        let _admission = crate::cluster::admit(state).await?;
        super::nodes::check_takes_new_vms(state).await?;
        let demand = Demand { vms: 1, vcpus: l.cpus as u64, memory_mib: l.memory_mib as u64, disk_mib: version.view.size_bytes >> 20 };
        quotas::check_create(state, user_id, Some(l.course_id), demand).await?;
        let uuid = super::vms::new_uuid();
        let name = format!("{} {}", l.course_code, l.name);
        let name: String = name.chars().take(64).collect();
        state
            .store
            .insert_clone(NewCloneRow {
                uuid: &uuid,
                name: &name,
                owner_id: user_id,
                lab_id: l.id,
                cpus: l.cpus,
                memory_mib: l.memory_mib,
                disk_bus: &version.disk_bus,
                kernel: version.kernel.as_deref(),
                version_id: version.view.id,
                size_bytes: version.view.size_bytes,
                outbound: l.outbound,
                node_id: state.node_id,
            })
            .await
            .map_err(crate::error::unique_as(|| AppError::conflict("VM_EXISTS", "the lab VM was just made")))?
    };
    let disk = state.store.disk(disk_id).await?.ok_or_else(|| ServerError::internal("the clone's disk row is gone"))?;
    let path = super::storage::disk_path(state, &disk);
    super::storage::ensure_pool(state, "disks")?;
    let backing = super::templates::version_path(state, version.view.id);
    if let Err(e) = img::create_overlay(super::storage::qemu_img(state), &path, &backing).await {
        let _ = std::fs::remove_file(&path);
        state.store.delete_vm(vm_id).await?;
        state.store.delete_disk(disk_id).await?;
        return Err(ServerError::internal(format!("qemu-img create: {e}")));
    }
    Ok(vm_id)
}

/// Students may start a lab VM only while the lab is open; its teachers any time.
pub async fn check_open(state: &AppState, caller: &Caller, lab_id: i64) -> Result<()> {
    let Some(lab) = state.store.lab(lab_id, caller.id()).await? else { return Ok(()) };
    if courses::manages(state, caller, lab.view.course_id).await? {
        return Ok(());
    }
    let now = time::now();
    if lab.opens_at.is_some_and(|o| now < o) {
        return Err(AppError::conflict("LAB_NOT_OPEN", format!("the lab opens at {}", lab.view.opens_at.clone().unwrap_or_default())).into());
    }
    if lab.closes_at.is_some_and(|c| now >= c) {
        return Err(AppError::conflict("LAB_CLOSED", format!("the lab closed at {}", lab.view.closes_at.clone().unwrap_or_default())).into());
    }
    Ok(())
}

pub async fn list(state: &AppState, caller: &Caller, course_id: i64) -> Result<Vec<LabView>> {
    courses::load(state, caller, course_id, Access::Attend).await?;
    Ok(state.store.course_labs(course_id, caller.id()).await?.into_iter().map(|l| l.view).collect())
}

/// Labs of the caller's courses as a student: "my labs".
pub async fn mine(state: &AppState, caller: &Caller) -> Result<Vec<LabView>> {
    Ok(state.store.student_labs(caller.id()).await?.into_iter().map(|l| l.view).collect())
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<LabView> {
    Ok(load(state, caller, id, Access::Attend).await?.view)
}

/// Whether `caller` may pin a lab to `node` and the node can take its VMs.
async fn check_pin(state: &AppState, caller: &Caller, node: i64, fields: &mut FieldErrors) -> Result<()> {
    if caller.user.role != app::types::Role::Admin {
        return Err(AppError::denied("FORBIDDEN", "only admins pin a lab to a node").into());
    }
    match state.store.node_route(node).await? {
        None => {
            fields.insert("node_id".into(), format!("no node with id {node}"));
        }
        Some(n) if !n.enabled => {
            return Err(AppError::conflict("NODE_DISABLED", format!("node '{}' is disabled and takes no new VMs", n.name)).into());
        }
        Some(n) if n.id != state.node_id && state.config.shared_pool_dir.is_none() => {
            fields.insert("node_id".into(), format!("node '{}' cannot reach this node's templates without shared_pool_dir", n.name));
        }
        Some(_) => {}
    }
    Ok(())
}

pub async fn update(state: &AppState, caller: &Caller, id: i64, patch: LabPatch) -> Result<LabView> {
    let lab = load(state, caller, id, Access::Manage).await?;
    let mut fields = FieldErrors::new();
    if patch.description.as_ref().is_some_and(|d| d.chars().count() > 4000) {
        fields.insert("description".into(), "must be at most 4000 characters".into());
    }
    if let Some(v) = patch.template_version_id {
        usable_version(state, lab.view.course_id, v, &mut fields).await?;
    }
    let time_field = |name: &str, v: &Option<String>, fields: &mut FieldErrors| -> Option<Option<i64>> {
        v.as_ref().map(|s| if s.trim().is_empty() { None } else { parse_time(name, s, fields) })
    };
    let opens = time_field("opens_at", &patch.opens_at, &mut fields);
    let closes = time_field("closes_at", &patch.closes_at, &mut fields);
    let o = opens.unwrap_or(lab.opens_at);
    let c = closes.unwrap_or(lab.closes_at);
    if let (Some(o), Some(c)) = (o, c) {
        if c <= o {
            fields.insert("closes_at".into(), "must be after opens_at".into());
        }
    }
    check_minutes("auto_start_minutes", patch.auto_start_minutes, &mut fields);
    check_minutes("auto_stop_minutes", patch.auto_stop_minutes, &mut fields);
    check_minutes("idle_stop_minutes", patch.idle_stop_minutes, &mut fields);
    if let Some(node) = patch.node_id.filter(|n| *n != 0) {
        check_pin(state, caller, node, &mut fields).await?;
    } else if patch.node_id == Some(0) && caller.user.role != app::types::Role::Admin {
        return Err(AppError::denied("FORBIDDEN", "only admins pin a lab to a node").into());
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let minutes = [patch.auto_start_minutes, patch.auto_stop_minutes, patch.idle_stop_minutes].map(|m| m.map(|v| (v > 0).then_some(v)));
    state.store.update_lab(id, patch.description.as_deref(), patch.template_version_id, opens, closes, minutes, patch.outbound).await?;
    if let Some(node) = patch.node_id {
        state.store.set_lab_node(id, (node != 0).then_some(node)).await?;
    }
    Ok(load(state, caller, id, Access::Manage).await?.view)
}

/// Deletes a lab; with `delete_vms` its students' VMs and disks go too
/// (running ones are powered off), else a lab with VMs is refused.
pub async fn delete(state: &AppState, caller: &Caller, id: i64, delete_vms: bool) -> Result<()> {
    load(state, caller, id, Access::Manage).await?;
    let vms = state.store.lab_vm_ids(id).await?;
    if !vms.is_empty() && !delete_vms {
        return Err(AppError::conflict("LAB_HAS_VMS", format!("the lab has {} student VMs; pass delete_vms=true to delete them too", vms.len())).into());
    }
    for vm in vms {
        super::vms::delete(state, caller, vm, true, true).await?;
    }
    if !state.store.delete_lab(id).await? {
        return Err(AppError::conflict("LAB_HAS_VMS", "a VM was made for the lab meanwhile; try again").into());
    }
    Ok(())
}

/// Opens the caller's VM in a lab: makes it on first open, starts it if it
/// is not running. The UI goes on to its console.
pub async fn open(state: &AppState, caller: &Caller, id: i64) -> Result<OpenedLab> {
    let lab = load(state, caller, id, Access::Attend).await?;
    check_open(state, caller, id).await?;
    let node = match state.store.lab_vm_of(id, caller.id()).await? {
        Some(_) => None,
        None => super::vms::spread_lab(state, &lab, 1).await?.pop().flatten(),
    };
    let version = lab_version(state, &lab).await?;
    let vm_id = match provision_on(state, Some(caller), node.as_ref(), &lab, &version, caller.id()).await {
        Err(ServerError::App(AppError::Conflict { code, .. })) if code == "VM_EXISTS" => {
            state.store.lab_vm_of(id, caller.id()).await?.ok_or_else(|| not_found(id))?
        }
        other => other?,
    };
    let vm = super::vms::load(state, caller, vm_id).await?;
    let operation = if super::vms::current_state(state, &vm).await.has_process() {
        None
    } else {
        Some(super::vms::change_state(state, caller, vm_id, start()).await?)
    };
    Ok(OpenedLab { vm: super::vms::get(state, caller, vm_id).await?, operation })
}

fn start() -> StateChangeRequest {
    StateChangeRequest { action: Action::Start, timeout: None, force: None }
}

fn stop() -> StateChangeRequest {
    StateChangeRequest { action: Action::Stop, timeout: None, force: None }
}

/// Throws the VM's overlay away and makes a fresh one on the lab's current
/// template version. A running VM is powered off first and started again
/// after. The course may ask to keep the old overlay as a disk for the
/// teacher who published the lab.
pub async fn reset(state: &AppState, caller: &Caller, vm_id: i64, req: ResetRequest) -> Result<VmView> {
    if !req.confirm {
        return Err(AppError::invalid("confirm", "must be true: resetting replaces the VM's disk with a fresh copy of the template").into());
    }
    let vm = super::vms::load(state, caller, vm_id).await?;
    let Some(lab_id) = vm.view.lab_id else {
        return Err(AppError::conflict("NOT_A_LAB_VM", "only a lab VM has a baseline to reset to").into());
    };
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        return crate::cluster::call(state, &node, caller, crate::cluster::NodeCall::ResetVm { vm_id, request: req }).await;
    }
    let lab = state.store.lab(lab_id, caller.id()).await?.ok_or_else(|| not_found(lab_id))?;
    let course = state.store.course(lab.view.course_id, caller.id()).await?.ok_or_else(|| ServerError::internal("the lab's course is gone"))?;
    // Only the lab's overlay is reset (and kept): never another disk the VM has.
    let mut overlay = None;
    for d in state.store.vm_disks(vm_id).await? {
        if state.store.disk_backing(d.id).await?.is_some() {
            overlay = Some(d);
            break;
        }
    }
    let disk = overlay.ok_or_else(|| AppError::conflict("NO_DISK", "the VM has no lab disk to reset"))?;
    // A kept disk is the teacher's: it counts against their disk quota.
    let keeper = match course.keep_reset_disks {
        true => {
            let teacher = state.store.lab_creator(lab_id).await?.unwrap_or(caller.id());
            let demand = super::quotas::Demand { disk_mib: disk.virtual_size.div_ceil(1 << 20), ..Default::default() };
            super::quotas::check_create(state, teacher, None, demand).await.map_err(|e| match e {
                ServerError::App(a) => AppError::conflict("QUOTA_EXCEEDED", format!("the course keeps reset disks for the lab's teacher, and {a}")).into(),
                other => other,
            })?;
            Some(teacher)
        }
        false => None,
    };
    let was_running = super::vms::current_state(state, &vm).await.has_process();
    if was_running {
        power_off(state, caller, vm_id).await?;
    }
    let path = super::storage::disk_path(state, &disk);
    let fresh = path.with_extension("new");
    let version = lab.view.template_version_id;
    img::create_overlay(super::storage::qemu_img(state), &fresh, &super::templates::version_path(state, version))
        .await
        .map_err(|e| ServerError::internal(format!("qemu-img create: {e}")))?;
    if let Some(teacher) = keeper {
        let name = format!("{} before reset {}", vm.view.owner, time::now_rfc3339());
        let kept = state.store.insert_disk(&name.chars().take(64).collect::<String>(), teacher, "qcow2", disk.virtual_size, state.node_id).await?;
        state.store.set_disk_backing(kept.id, state.store.disk_backing(disk.id).await?).await?;
        std::fs::rename(&path, super::storage::disk_path(state, &kept)).map_err(|e| ServerError::internal(e.to_string()))?;
    }
    std::fs::rename(&fresh, &path).map_err(|e| ServerError::internal(e.to_string()))?;
    state.store.set_disk_backing(disk.id, Some(version)).await?;
    state.store.forget_snapshots(vm_id).await?;
    state.store.record_reset(vm_id, caller.id()).await?;
    tracing::info!(vm_id, user_id = caller.id(), kept = course.keep_reset_disks, "VM reset to baseline");
    if was_running {
        super::vms::change_state(state, caller, vm_id, start()).await?;
    }
    super::vms::get(state, caller, vm_id).await
}

/// Powers a VM off and waits until its process is gone.
async fn power_off(state: &AppState, caller: &Caller, vm_id: i64) -> Result<()> {
    super::vms::change_state(state, caller, vm_id, stop()).await?;
    for _ in 0..600 {
        let gone = state.engine.pid(VmId(vm_id)).await.is_none();
        if gone && !state.engine.state(VmId(vm_id)).await.is_some_and(|s| s.has_process()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(AppError::conflict("VM_BUSY", "the VM did not power off").into())
}

/// Every student of the lab with their VM, for the class wall.
pub async fn seats(state: &AppState, caller: &Caller, id: i64) -> Result<Vec<SeatView>> {
    load(state, caller, id, Access::Manage).await?;
    let mut seats = state.store.seats(id).await?;
    let mut cpu: std::collections::HashMap<i64, Vec<f64>> = std::collections::HashMap::new();
    for (vm, percent) in state.store.lab_cpu_since(id, time::now() - SPARKLINE_SECS).await? {
        cpu.entry(vm).or_default().push(percent);
    }
    for s in &mut seats {
        if let Some(vm) = s.vm_id {
            if let Some(live) = state.engine.state(VmId(vm)).await {
                s.state = Some(live.as_str().into());
            }
            s.cpu_recent = cpu.remove(&vm).unwrap_or_default();
        }
    }
    Ok(seats)
}

/// How far back a seat's CPU sparkline reaches.
const SPARKLINE_SECS: i64 = 300;

/// Start, stop or reset several of a lab's VMs; each gets its own outcome.
pub async fn bulk(state: &AppState, caller: &Caller, id: i64, req: BulkAction) -> Result<Vec<BulkOutcome>> {
    load(state, caller, id, Access::Manage).await?;
    if req.vm_ids.is_empty() || req.vm_ids.len() > 500 {
        return Err(AppError::invalid("vm_ids", "must name 1 to 500 VMs").into());
    }
    let in_lab = state.store.lab_vm_ids(id).await?;
    if let Some(stray) = req.vm_ids.iter().find(|v| !in_lab.contains(v)) {
        return Err(AppError::invalid("vm_ids", format!("VM {stray} is not in this lab")).into());
    }
    let mut out = Vec::with_capacity(req.vm_ids.len());
    for vm_id in req.vm_ids {
        let r = match req.action {
            BulkKind::Start => super::vms::change_state(state, caller, vm_id, start()).await.map(|_| ()),
            BulkKind::Stop => super::vms::change_state(state, caller, vm_id, stop()).await.map(|_| ()),
            BulkKind::Reset => reset(state, caller, vm_id, ResetRequest { confirm: true }).await.map(|_| ()),
        };
        out.push(BulkOutcome { vm_id, ok: r.is_ok(), error: r.err().map(|e| crate::error::describe(&e)) });
    }
    Ok(out)
}

/// One pass of the scheduler: auto-start before a lab opens, auto-stop
/// after it closes, and stop VMs idle longer than the lab allows.
pub async fn tick(state: &AppState, started: &mut std::collections::HashMap<i64, i64>) -> Result<()> {
    let now = time::now();
    // Every node stops its own VMs; one node (the online one with the
    // lowest id) hands out and starts the VMs of labs about to open.
    let leads = super::vms::live_nodes(state).await?.into_iter().map(|(r, _)| r.id).min().is_none_or(|id| id == state.node_id);
    let mine = |vm: &crate::store::VmRecord| vm.view.node_id.is_none_or(|n| n == state.node_id);
    for lab in state.store.scheduled_labs().await? {
        let id = lab.view.id;
        let system = system_caller(state, &lab).await?;
        let Some(system) = system else { continue };
        if let (Some(opens), Some(m)) = (lab.opens_at, lab.view.auto_start_minutes) {
            let from = opens - m as i64 * 60;
            let before_close = lab.closes_at.is_none_or(|c| now < c);
            if leads && now >= from && before_close && started.get(&id) != Some(&opens) {
                started.insert(id, opens);
                let version = lab_version(state, &lab).await?;
                for (uid, _) in state.store.course_students(lab.view.course_id).await? {
                    match provision(state, &lab, &version, uid).await {
                        Ok(vm) => {
                            if let Err(e) = scheduled(state, &system, vm, start(), "auto-start before the lab opens").await {
                                tracing::info!(lab_id = id, vm_id = vm, error = %e, "auto-start skipped");
                            }
                        }
                        Err(e) => tracing::warn!(lab_id = id, user_id = uid, error = %crate::error::describe(&e), "auto-start could not make a VM"),
                    }
                }
            }
        }
        let running = |vm: &crate::store::VmRecord| mine(vm) && vm.state.has_process();
        if let (Some(closes), Some(m)) = (lab.closes_at, lab.view.auto_stop_minutes) {
            if now >= closes + m as i64 * 60 {
                for vm_id in state.store.lab_vm_ids(id).await? {
                    if state.store.vm(vm_id).await?.is_some_and(|v| running(&v)) {
                        tracing::info!(lab_id = id, vm_id, "lab closed: stopping VM");
                        let _ = scheduled(state, &system, vm_id, stop(), "auto-stop after the lab closed").await;
                    }
                }
            }
        }
        if let Some(idle) = lab.view.idle_stop_minutes {
            for vm_id in state.store.lab_vm_ids(id).await? {
                if !state.store.vm(vm_id).await?.is_some_and(|v| running(&v)) {
                    continue;
                }
                let last = state.store.last_activity(vm_id).await?.unwrap_or(now);
                if now - last >= idle as i64 * 60 {
                    tracing::info!(lab_id = id, vm_id, idle_minutes = (now - last) / 60, "idle: stopping VM");
                    let _ = scheduled(state, &system, vm_id, stop(), "idle-stop").await;
                }
            }
        }
    }
    Ok(())
}

/// A start or stop the scheduler asks for, in the audit trail; the error code if refused.
async fn scheduled(state: &AppState, system: &Caller, vm_id: i64, req: StateChangeRequest, why: &str) -> std::result::Result<(), String> {
    let action = format!("vm.{}", req.action.as_str());
    let result = super::vms::change_state(state, system, vm_id, req).await.map(|_| ()).map_err(|e| match &e {
        ServerError::App(app) => app.code().to_owned(),
        _ => crate::error::describe(&e),
    });
    crate::audit::record_scheduled(state, &action, vm_id, why, &result).await;
    result
}

/// The scheduler acts as the teacher who published the lab.
async fn system_caller(state: &AppState, lab: &LabRecord) -> Result<Option<Caller>> {
    let Some(uid) = state.store.lab_creator(lab.view.id).await? else { return Ok(None) };
    Ok(state.store.user(uid).await?.map(|user| Caller { user, via: crate::auth::AuthVia::Internal }))
}

/// Runs the scheduler until the process ends.
pub fn spawn_scheduler(state: AppState) {
    tokio::spawn(async move {
        let mut started = std::collections::HashMap::new();
        let mut every = tokio::time::interval(Duration::from_secs(state.config.scheduler_interval_secs));
        loop {
            every.tick().await;
            if let Err(e) = tick(&state, &mut started).await {
                tracing::warn!(error = %e, "lab scheduler pass failed");
            }
        }
    });
}
