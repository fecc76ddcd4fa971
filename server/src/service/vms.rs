//! Virtual machines: create, configure, run, delete. Who may touch which VM
//! is decided in `authorize`, and nowhere else.

use super::operations::{self, Spec, Target};
use super::{parse_sort, Paging};
use crate::auth::Caller;
use crate::engine::qemu::argv::{self, DirectKernel, Disk, DiskFormat, Machine, Network, PortForward};
use crate::engine::state::{Action, VmState};
use crate::engine::{EngineError, VmId};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{NewVmRow, VmFilter, VmRecord};
use crate::time;
use app::error::{AppError, FieldErrors};
use app::types::{ListQuery, NetworkMode, NewPortForward, NewVm, OperationView, Page, Role, StateChangeRequest, VmPatch, VmView};
use std::time::Duration;

pub const DEFAULT_CPUS: u32 = 1;
pub const DEFAULT_MEMORY_MIB: u32 = 512;
pub const MIN_MEMORY_MIB: u32 = 128;
const DEFAULT_SHUTDOWN_SECS: u32 = 30;
pub(crate) const MAX_SHUTDOWN_SECS: u32 = 600;

fn not_found(id: i64) -> AppError {
    AppError::not_found("VM_NOT_FOUND", format!("no VM with id {id}"))
}

/// The one place VM access is decided: the owner and admins reach a VM, and
/// so does a teacher of the course whose lab the VM belongs to. A VM the
/// caller may not reach is reported as missing, so its existence does not leak.
pub async fn authorize(state: &AppState, caller: &Caller, vm: &VmRecord) -> Result<()> {
    if caller.user.role == Role::Admin || vm.view.owner_id == caller.id() {
        return Ok(());
    }
    if caller.user.role == Role::Teacher && vm.view.lab_id.is_some() {
        if let Some(course) = state.store.vm_course(vm.view.id).await? {
            if super::courses::manages(state, caller, course).await? {
                return Ok(());
            }
        }
    }
    Err(not_found(vm.view.id).into())
}

/// Whether the caller manages the lab a lab VM belongs to (its course's
/// teachers and admins). A lab VM's machine and disks are the lab's: its
/// student uses it, but only the lab's managers change what it is made of.
pub async fn manages_lab_vm(state: &AppState, caller: &Caller, vm: &VmRecord) -> Result<bool> {
    if vm.view.lab_id.is_none() || caller.user.role == Role::Admin {
        return Ok(true);
    }
    Ok(match state.store.vm_course(vm.view.id).await? {
        Some(course) => super::courses::manages(state, caller, course).await?,
        None => false,
    })
}

/// The refusal of a change only the lab's managers may make.
pub(crate) fn lab_locked(what: impl std::fmt::Display) -> AppError {
    AppError::denied("LAB_VM_LOCKED", format!("{what}: a lab VM is the lab's; only the lab's teachers change it"))
}

/// Loads a VM the caller may reach.
pub async fn load(state: &AppState, caller: &Caller, id: i64) -> Result<VmRecord> {
    let vm = state.store.vm(id).await?.ok_or_else(|| not_found(id))?;
    authorize(state, caller, &vm).await?;
    Ok(vm)
}

/// A VM named in a request's body (`field`): no such VM is a 422 on that
/// field, as for any other value that names nothing.
pub async fn load_named(state: &AppState, caller: &Caller, field: &str, id: i64) -> Result<VmRecord> {
    let vm = state.store.vm(id).await?.ok_or_else(|| AppError::invalid(field, format!("no VM with id {id}")))?;
    authorize(state, caller, &vm).await?;
    Ok(vm)
}

fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("must not be blank")
    } else if name.chars().count() > 64 {
        Some("must be at most 64 characters")
    } else if name.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else {
        None
    }
}

/// A name (trimmed) and description as every named resource takes them.
pub(crate) fn check_label(name: &str, description: Option<String>, fields: &mut FieldErrors) -> (String, String) {
    let name = name.trim().to_owned();
    if let Some(p) = name_problem(&name) {
        fields.insert("name".into(), p.into());
    }
    let description = description.unwrap_or_default();
    if description.chars().count() > 2000 {
        fields.insert("description".into(), "must be at most 2000 characters".into());
    }
    (name, description)
}

/// A kernel bundle name: a plain directory name in the kernels pool.
pub(crate) fn kernel_problem(state: &AppState, name: &str) -> Option<String> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if !plain {
        return Some("must be the name of a kernel in the kernels pool".into());
    }
    let dir = state.config.pool_dir("kernels").join(name);
    // The pool is vlab's; a symlink out of it is not followed.
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() && dir.join("vmlinux").is_file() => None,
        _ => Some(format!("no kernel named '{name}' in the kernels pool")),
    }
}

pub(crate) fn check_resources(state: &AppState, cpus: Option<u32>, memory: Option<u32>, fields: &mut FieldErrors) {
    if let Some(c) = cpus {
        if c == 0 || c > state.config.max_vm_cpus {
            fields.insert("cpus".into(), format!("must be between 1 and {}", state.config.max_vm_cpus));
        }
    }
    if let Some(m) = memory {
        if m < MIN_MEMORY_MIB || m > state.config.max_vm_memory_mib {
            fields.insert(
                "memory_mib".into(),
                format!("must be between {MIN_MEMORY_MIB} and {}", state.config.max_vm_memory_mib),
            );
        }
    }
}

/// Port forwards one VM may have.
pub const MAX_FORWARDS_PER_VM: usize = 16;
/// Host ports tried (bound to see whether they are free) per new forward.
const MAX_PORT_PROBES: usize = 32;

/// Checks and allocates host ports for new forwards.
pub(crate) async fn plan_forwards(state: &AppState, wanted: &[NewPortForward], fields: &mut FieldErrors) -> Result<Vec<(String, u16, u16)>> {
    let (lo, hi) = state.config.port_range;
    if wanted.len() > MAX_FORWARDS_PER_VM {
        fields.insert("port_forwards".into(), format!("at most {MAX_FORWARDS_PER_VM} per VM"));
        return Ok(Vec::new());
    }
    let mut planned: Vec<(String, u16, u16)> = Vec::new();
    for (i, f) in wanted.iter().enumerate() {
        let key = format!("port_forwards[{i}]");
        if f.protocol != "tcp" && f.protocol != "udp" {
            fields.insert(key, "protocol must be tcp or udp".into());
            continue;
        }
        if f.guest_port == 0 {
            fields.insert(key, "guest_port must be 1..=65535".into());
            continue;
        }
        if planned.iter().any(|(p, _, g)| *p == f.protocol && *g == f.guest_port) {
            fields.insert(key, format!("guest port {} is forwarded twice", f.guest_port));
            continue;
        }
        let used = state.store.used_host_ports(&f.protocol).await?;
        let taken = |port: u16| {
            used.contains(&port) || planned.iter().any(|(p, h, _)| *p == f.protocol && *h == port) || !host_port_free(&f.protocol, port)
        };
        match f.host_port {
            Some(p) if p < lo || p > hi => {
                fields.insert(key, format!("host_port must be within {lo}..={hi}"));
            }
            Some(p) if taken(p) => {
                return Err(AppError::conflict("PORT_IN_USE", format!("host port {}/{p} is already in use", f.protocol)).into());
            }
            Some(p) => planned.push((f.protocol.clone(), p, f.guest_port)),
            // Ports vlab handed out are skipped without a probe; of the
            // rest, only a few are bound to see whether something else holds them.
            None => match (lo..=hi).filter(|p| !used.contains(p)).take(MAX_PORT_PROBES).find(|p| !taken(*p)) {
                Some(p) => planned.push((f.protocol.clone(), p, f.guest_port)),
                None => return Err(AppError::conflict("NO_FREE_PORT", "no free host port is left in the range").into()),
            },
        }
    }
    Ok(planned)
}

/// Whether nothing on the host listens on the port already.
fn host_port_free(protocol: &str, port: u16) -> bool {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    match protocol {
        "udp" => std::net::UdpSocket::bind(addr).is_ok(),
        _ => std::net::TcpListener::bind(addr).is_ok(),
    }
}

/// Makes a VM on the node placement picks (`place`): here, or through
/// that node.
pub async fn create(state: &AppState, caller: &Caller, input: NewVm) -> Result<VmView> {
    match place(state, caller, input.node_id, input.memory_mib.unwrap_or(DEFAULT_MEMORY_MIB)).await? {
        None => create_here(state, caller, input).await,
        Some(node) => crate::cluster::call(state, &node, caller, crate::cluster::NodeCall::CreateVm { input }).await,
    }
}

/// The node a new VM goes to: the one an admin pinned, else the enabled,
/// online node with the most free memory, counted in whole GiB, then the
/// most idle CPUs (this one when it ties, so a request is not sent
/// elsewhere for a few MiB). `None` means this node.
pub async fn place(state: &AppState, caller: &Caller, pinned: Option<i64>, memory_mib: u32) -> Result<Option<crate::store::NodeRoute>> {
    if let Some(id) = pinned {
        if caller.user.role != Role::Admin {
            return Err(AppError::denied("FORBIDDEN", "only admins choose the node a VM is made on").into());
        }
        let Some(node) = state.store.node_route(id).await? else {
            return Err(AppError::invalid("node_id", format!("no node with id {id}")).into());
        };
        if !node.enabled {
            return Err(AppError::conflict("NODE_DISABLED", format!("node '{}' is disabled and takes no new VMs", node.name)).into());
        }
        return crate::cluster::elsewhere(state, Some(node.id)).await;
    }
    Ok(best_node(candidates(state).await?, state.node_id, memory_mib))
}

/// Of `nodes`, the one for a VM of `memory_mib`: room for it first, then
/// free memory (whole GiB), then idle CPUs; node `this` wins a tie.
/// `None` means `this`.
fn best_node(nodes: Vec<(crate::store::NodeRoute, crate::store::Room)>, this: i64, memory_mib: u32) -> Option<crate::store::NodeRoute> {
    let best = nodes.into_iter().max_by_key(|(r, room)| {
        let free = room.memory_free_mib;
        (free >= memory_mib as i64, free >> 10, room.idle_cpus, r.id == this)
    });
    best.map(|(r, _)| r).filter(|r| r.id != this)
}

#[cfg(test)]
mod placement_tests {
    use super::best_node;
    use crate::store::{NodeRoute, Room};

    fn node(id: i64, memory_free_mib: i64, idle_cpus: i64) -> (NodeRoute, Room) {
        let route = NodeRoute { id, name: format!("n{id}"), address: String::new(), enabled: true, heartbeat_at: 0 };
        (route, Room { memory_free_mib, idle_cpus })
    }

    #[test]
    fn memory_then_idle_cpus_then_this_node() {
        let pick = |nodes, memory| best_node(nodes, 1, memory).map(|r| r.id);
        assert_eq!(pick(vec![node(1, 4096, 1), node(2, 8192, 0)], 512), Some(2), "more GiB free");
        assert_eq!(pick(vec![node(1, 4096, 1), node(2, 4400, 3)], 512), Some(2), "same GiB, more idle CPUs");
        assert_eq!(pick(vec![node(1, 4096, 2), node(2, 4400, 2)], 512), None, "a tie stays here");
        assert_eq!(pick(vec![node(1, 256, 8), node(2, 1024, 0)], 512), Some(2), "only one has room");
        assert_eq!(pick(vec![], 512), None);
    }
}

/// The nodes that may take new VMs (enabled, and this one or online),
/// with what they have free.
async fn candidates(state: &AppState) -> Result<Vec<(crate::store::NodeRoute, crate::store::Room)>> {
    let mut routes = live_nodes(state).await?;
    routes.retain(|(r, _)| r.enabled);
    Ok(routes)
}

/// This node and the others that heartbeat, with what they have free.
pub async fn live_nodes(state: &AppState) -> Result<Vec<(crate::store::NodeRoute, crate::store::Room)>> {
    let mut routes = state.store.node_routes().await?;
    routes.retain(|(r, _)| r.id == state.node_id || crate::cluster::online(state, r));
    Ok(routes)
}

/// Nodes for `count` new VMs of `memory_mib` each, spread over the
/// enabled, online nodes by free memory, then idle CPUs (`None`: this
/// node).
pub async fn spread(state: &AppState, count: usize, memory_mib: u32) -> Result<Vec<Option<crate::store::NodeRoute>>> {
    // Another node can clone a template only from a pool it shares.
    if state.config.shared_pool_dir.is_none() {
        return Ok(vec![None; count]);
    }
    let mut nodes = candidates(state).await?;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        // Free memory first, then idle CPUs; this node wins a tie.
        let Some(best) = (0..nodes.len()).max_by_key(|&i| (nodes[i].1.memory_free_mib, nodes[i].1.idle_cpus, nodes[i].0.id == state.node_id)) else {
            out.push(None);
            continue;
        };
        nodes[best].1.memory_free_mib -= memory_mib as i64;
        out.push(Some(nodes[best].0.clone()).filter(|r| r.id != state.node_id));
    }
    Ok(out)
}

/// Nodes for `count` new VMs of a lab: the node it is pinned to, else
/// spread (`spread`).
pub async fn spread_lab(state: &AppState, lab: &crate::store::LabRecord, count: usize) -> Result<Vec<Option<crate::store::NodeRoute>>> {
    match lab.view.node_id {
        Some(n) if n != state.node_id => {
            let node = crate::cluster::elsewhere(state, Some(n)).await?;
            Ok(vec![node; count])
        }
        Some(_) => Ok(vec![None; count]),
        None => spread(state, count, lab.view.memory_mib).await,
    }
}

/// Makes a VM on this node.
pub async fn create_here(state: &AppState, caller: &Caller, input: NewVm) -> Result<VmView> {
    let mut fields = FieldErrors::new();
    let (name, description) = check_label(&input.name, input.description, &mut fields);
    let cpus = input.cpus.unwrap_or(DEFAULT_CPUS);
    let memory = input.memory_mib.unwrap_or(DEFAULT_MEMORY_MIB);
    check_resources(state, Some(cpus), Some(memory), &mut fields);
    let boot_order = input.boot_order.unwrap_or_else(|| "cdn".into());
    if !argv::valid_boot_order(&boot_order) {
        fields.insert("boot_order".into(), "must be one to three of c, d, n without repeats".into());
    }
    let disk_bus = input.disk_bus.unwrap_or_default();
    let network = input.network.unwrap_or_default();
    match network {
        NetworkMode::User | NetworkMode::None => {}
        NetworkMode::Bridge => match &input.bridge {
            Some(b) if state.config.bridges.contains(b) => {}
            Some(b) => {
                fields.insert("bridge".into(), format!("'{b}' is not a bridge the admin configured"));
            }
            None if state.config.bridges.is_empty() => {
                fields.insert("network".into(), "no bridge is configured on this host".into());
            }
            None => {
                fields.insert("bridge".into(), format!("name one of {:?}", state.config.bridges));
            }
        },
    }
    if network != NetworkMode::User && !input.port_forwards.is_empty() {
        fields.insert("port_forwards".into(), "need user-mode networking".into());
    }
    if let Some(k) = &input.kernel {
        if let Some(p) = kernel_problem(state, k) {
            fields.insert("kernel".into(), p);
        }
    }
    let owner_id = match input.owner_id {
        None => caller.id(),
        Some(o) if o == caller.id() => o,
        // Admins give a VM to anyone; a teacher only to a student of a
        // course they teach; a student to nobody else.
        Some(o) => match caller.user.role {
            Role::Student => return Err(AppError::forbidden().into()),
            Role::Teacher if !state.store.teaches(caller.id(), o).await? => {
                return Err(AppError::denied("FORBIDDEN", format!("user {o} is not a student of a course you teach")).into());
            }
            _ => {
                if state.store.user(o).await?.is_none() {
                    fields.insert("owner_id".into(), format!("no user with id {o}"));
                }
                o
            }
        },
    };
    if let Some(iso_id) = input.iso_id {
        match state.store.iso(iso_id).await? {
            Some(iso) if iso.status == "ready" => {}
            _ => {
                fields.insert("iso_id".into(), format!("no finished ISO with id {iso_id}"));
            }
        }
    }
    if let Some(e) = AppError::from_fields(fields.clone()) {
        return Err(e.into());
    }
    let forwards = plan_forwards(state, &input.port_forwards, &mut fields).await?;
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let _admission = crate::cluster::admit(state).await?;
    super::nodes::check_takes_new_vms(state).await?;
    let demand = super::quotas::Demand { vms: 1, vcpus: cpus as u64, memory_mib: memory as u64, disk_mib: 0 };
    super::quotas::check_create(state, owner_id, None, demand).await?;
    let uuid = new_uuid();
    let id = state
        .store
        .insert_vm(
            NewVmRow {
                uuid: &uuid,
                name: &name,
                description: &description,
                owner_id,
                cpus,
                memory_mib: memory,
                boot_order: &boot_order,
                disk_bus: disk_bus.as_str(),
                network: network.as_str(),
                outbound: input.outbound.unwrap_or(true),
                kernel: input.kernel.as_deref(),
                iso_id: input.iso_id,
                bridge: input.bridge.as_deref().filter(|_| network == NetworkMode::Bridge),
                forwards: &forwards,
                node_id: state.node_id,
            },
            time::now(),
        )
        .await
        .map_err(crate::error::unique_as(|| AppError::conflict("PORT_IN_USE", "a requested host port was just taken; try again")))?;
    tracing::info!(vm_id = id, user_id = caller.id(), owner_id, "VM created");
    Ok(state.store.vm(id).await?.ok_or_else(|| not_found(id))?.view)
}

pub(crate) fn new_uuid() -> String {
    let a = crate::auth::token::short_id();
    let b = crate::auth::token::short_id();
    format!("{}-{}-{}", &a[..8], &a[8..], &b)
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<VmView> {
    let mut view = load(state, caller, id).await?.view;
    crate::cluster::mark_unknown(state, std::slice::from_mut(&mut view)).await?;
    Ok(view)
}

pub async fn list(state: &AppState, caller: &Caller, query: ListQuery) -> Result<Page<VmView>> {
    let (filter, paging) = list_filter(caller, query)?;
    let (items, total) = state.store.list_vms(&filter).await?;
    let mut items: Vec<VmView> = items.into_iter().map(|r| r.view).collect();
    crate::cluster::mark_unknown(state, &mut items).await?;
    Ok(Page { items, pagination: paging.describe(total) })
}

/// `list` as the members of its API answer, kept in `state.answers` until
/// a table it reads changes: students polling their VMs mostly hit.
pub async fn list_answer(state: &AppState, caller: &Caller, query: ListQuery) -> Result<bytes::Bytes> {
    let (filter, paging) = list_filter(caller, query)?;
    // Everything the page depends on besides the tables.
    let key = format!("vms {:?} {:?} {} {}", filter.owner_id, filter.search, filter.limit, filter.offset);
    let make = || async {
        let (items, total) = state.store.list_vms(&filter).await?;
        let mut items: Vec<VmView> = items.into_iter().map(|r| r.view).collect();
        // Only PostgreSQL has other nodes, and it keeps no pages.
        crate::cluster::mark_unknown(state, &mut items).await?;
        let page = Page { items, pagination: paging.describe(total) };
        crate::http::page_members(&page)
    };
    state.answers.get_or_make(key, crate::store::VM_LIST_TABLES, state.store.changes(), make).await
}

fn list_filter(caller: &Caller, query: ListQuery) -> Result<(VmFilter, Paging)> {
    let paging = Paging::from_query(&query)?;
    if let (Some(s), _) = parse_sort(query.sort.as_deref()) {
        if s != "id" {
            return Err(AppError::invalid("sort", "VMs sort by id only").into());
        }
    }
    let filter = VmFilter {
        // Only admins see everyone's machines.
        owner_id: (caller.user.role != Role::Admin).then_some(caller.id()),
        search: query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
        limit: paging.page_size,
        offset: paging.offset(),
    };
    Ok((filter, paging))
}

pub async fn update(state: &AppState, caller: &Caller, id: i64, patch: VmPatch) -> Result<VmView> {
    let vm = load(state, caller, id).await?;
    let mut fields = FieldErrors::new();
    let name = patch.name.map(|n| n.trim().to_owned());
    if let Some(p) = name.as_deref().and_then(name_problem) {
        fields.insert("name".into(), p.into());
    }
    if patch.description.as_ref().is_some_and(|d| d.chars().count() > 2000) {
        fields.insert("description".into(), "must be at most 2000 characters".into());
    }
    check_resources(state, patch.cpus, patch.memory_mib, &mut fields);
    if patch.boot_order.as_deref().is_some_and(|b| !argv::valid_boot_order(b)) {
        fields.insert("boot_order".into(), "must be one to three of c, d, n without repeats".into());
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    if patch.outbound.is_some_and(|o| o != vm.view.outbound) && !manages_lab_vm(state, caller, &vm).await? {
        return Err(lab_locked("the lab decides whether its VMs reach other hosts").into());
    }
    let raise_cpus = patch.cpus.filter(|c| *c > vm.view.cpus);
    let raise_memory = patch.memory_mib.filter(|m| *m > vm.view.memory_mib);
    let course = match vm.view.lab_id {
        Some(lab_id) if raise_cpus.is_some() || raise_memory.is_some() => {
            if !manages_lab_vm(state, caller, &vm).await? {
                let lab = state.store.lab(lab_id, caller.id()).await?;
                let (cpus, memory) = lab.map(|l| (l.view.cpus, l.view.memory_mib)).unwrap_or((vm.view.cpus, vm.view.memory_mib));
                if raise_cpus.is_some_and(|c| c > cpus) {
                    return Err(lab_locked(format!("the lab gives this VM at most {cpus} vCPUs")).into());
                }
                if raise_memory.is_some_and(|m| m > memory) {
                    return Err(lab_locked(format!("the lab gives this VM at most {memory} MiB of memory")).into());
                }
            }
            state.store.vm_course(id).await?
        }
        _ => None,
    };
    // More vCPUs or memory count against the owner's (and the course's) quota.
    let _admission = crate::cluster::admit(state).await?;
    if raise_cpus.is_some() || raise_memory.is_some() {
        let demand = super::quotas::Demand {
            vcpus: raise_cpus.map_or(0, |c| (c - vm.view.cpus) as u64),
            memory_mib: raise_memory.map_or(0, |m| (m - vm.view.memory_mib) as u64),
            ..Default::default()
        };
        super::quotas::check_create(state, vm.view.owner_id, course, demand).await?;
    }
    let changes_machine = patch.cpus.is_some_and(|c| c != vm.view.cpus)
        || patch.memory_mib.is_some_and(|m| m != vm.view.memory_mib)
        || patch.boot_order.as_ref().is_some_and(|b| *b != vm.view.boot_order)
        || patch.outbound.is_some_and(|o| o != vm.view.outbound);
    let needs_restart = changes_machine && vm.state.has_process();
    state
        .store
        .update_vm(id, name.as_deref(), patch.description.as_deref(), patch.cpus, patch.memory_mib, patch.boot_order.as_deref(), patch.outbound, needs_restart)
        .await?;
    Ok(state.store.vm(id).await?.ok_or_else(|| not_found(id))?.view)
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64, force: bool, delete_disks: bool) -> Result<()> {
    let vm = load(state, caller, id).await?;
    if !manages_lab_vm(state, caller, &vm).await? {
        return Err(lab_locked("deleting it").into());
    }
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        let call = crate::cluster::NodeCall::DeleteVm { vm_id: id, force, delete_disks };
        return crate::cluster::call::<serde_json::Value>(state, &node, caller, call).await.map(|_| ());
    }
    let current = current_state(state, &vm).await;
    if current.has_process() {
        if !force {
            return Err(AppError::conflict("VM_RUNNING", format!("the VM is {}; stop it first or pass force=true", current.as_str())).into());
        }
        if let Ok(done) = state.engine.request(VmId(id), current, Action::Stop, None, Duration::ZERO).await {
            let _ = tokio::time::timeout(Duration::from_secs(10), done).await;
        }
    }
    let disks = state.store.vm_disks(id).await?;
    state.store.delete_vm(id).await?;
    state.engine.forget(VmId(id));
    // Detached by the delete; removed too when asked.
    if delete_disks {
        for d in disks {
            if state.store.delete_disk(d.id).await? {
                let _ = std::fs::remove_file(super::storage::disk_path(state, &d));
            }
        }
    }
    tracing::info!(vm_id = id, user_id = caller.id(), "VM deleted");
    Ok(())
}

/// The VM's state now: the engine's view once it has one, else the stored one.
pub(crate) async fn current_state(state: &AppState, vm: &VmRecord) -> VmState {
    state.engine.state(VmId(vm.view.id)).await.unwrap_or(vm.state)
}

/// What QEMU is told about this VM.
async fn machine(state: &AppState, vm: &VmRecord) -> Result<Machine> {
    let mut disks = Vec::new();
    for d in state.store.vm_disks(vm.view.id).await? {
        let format = match d.format.as_str() {
            "raw" => DiskFormat::Raw,
            "vmdk" => DiskFormat::Vmdk,
            _ => DiskFormat::Qcow2,
        };
        let backing = match format {
            DiskFormat::Qcow2 => state
                .store
                .disk_backing(d.id)
                .await?
                .map(|v| super::templates::version_path(state, v)),
            _ => None,
        };
        disks.push(Disk {
            path: super::storage::disk_path(state, &d),
            format,
            backing,
        });
    }
    let cdrom = vm.view.iso_id.map(|i| super::storage::iso_path(state, i));
    let v = &vm.view;
    let kernel = v.kernel.as_ref().map(|name| {
        let dir = state.config.pool_dir("kernels").join(name);
        let initrd = dir.join("initrd.img");
        DirectKernel {
            kernel: dir.join("vmlinux"),
            initrd: initrd.is_file().then_some(initrd),
            append: std::fs::read_to_string(dir.join("cmdline")).map(|s| s.trim().to_owned()).unwrap_or_else(|_| "console=ttyS0".into()),
        }
    });
    let network = match v.network {
        NetworkMode::User => Network::User {
            forwards: v
                .port_forwards
                .iter()
                .map(|f| PortForward {
                    protocol: super::forwards::protocol_of(&f.protocol),
                    host_port: f.host_port,
                    guest_port: f.guest_port,
                })
                .collect(),
            host_addr: super::forwards::FORWARD_ADDR.into(),
            // Out to the world only while the guard keeps guests off this host.
            restrict: !(state.guard.active && state.config.guest_outbound && v.outbound),
        },
        NetworkMode::Bridge => {
            let bridge = vm.bridge.clone().unwrap_or_default();
            Network::Bridge { isolated: !state.config.shared_bridges.contains(&bridge), bridge }
        }
        NetworkMode::None => Network::None,
    };
    Ok(Machine {
        uuid: v.uuid.clone(),
        accel: state.accel.accel,
        cpus: v.cpus,
        memory_mib: v.memory_mib,
        disks,
        disk_bus: v.disk_bus,
        cdrom,
        boot_order: v.boot_order.clone(),
        kernel,
        network,
        mac: format!("52:54:00:{:02x}:{:02x}:{:02x}", (v.id >> 16) & 0xff, (v.id >> 8) & 0xff, v.id & 0xff),
    })
}

/// Moves a stopped VM to another node (admins): its disks are sent there
/// and checked, then the VM and its disks belong to that node and the old
/// files go. An operation tracks the copy.
pub async fn move_vm(state: &AppState, caller: &Caller, id: i64, input: app::types::VmMove) -> Result<OperationView> {
    if caller.user.role != Role::Admin {
        return Err(AppError::denied("FORBIDDEN", "only admins move VMs between nodes").into());
    }
    let vm = load(state, caller, id).await?;
    let Some(target) = state.store.node_route(input.node_id).await? else {
        return Err(AppError::invalid("node_id", format!("no node with id {}", input.node_id)).into());
    };
    if vm.view.node_id == Some(target.id) || (vm.view.node_id.is_none() && target.id == state.node_id) {
        return Err(AppError::conflict("SAME_NODE", format!("the VM is on node '{}' already", target.name)).into());
    }
    if !target.enabled {
        return Err(AppError::conflict("NODE_DISABLED", format!("node '{}' is disabled and takes no new VMs", target.name)).into());
    }
    if !crate::cluster::online(state, &target) {
        return Err(AppError::unavailable("NODE_UNREACHABLE", format!("node '{}' does not answer", target.name)).into());
    }
    let call = || crate::cluster::NodeCall::MoveVm { vm_id: id, node_id: target.id };
    if let Some(op) = crate::cluster::route(state, vm.view.node_id, caller, call).await? {
        return Ok(op);
    }
    let current = current_state(state, &vm).await;
    if current.has_process() {
        return Err(AppError::conflict("VM_RUNNING", format!("the VM is {}; stop it before moving it", current.as_str())).into());
    }
    let disks = state.store.vm_disks(id).await?;
    if state.config.shared_pool_dir.is_none() {
        let mut on_template = false;
        for d in &disks {
            on_template |= state.store.disk_backing(d.id).await?.is_some();
        }
        if on_template || vm.view.iso_id.is_some() {
            return Err(AppError::conflict(
                "IMAGE_NOT_SHARED",
                "the VM uses a template or an ISO, which only a shared pool (shared_pool_dir) makes reachable from another node",
            )
            .into());
        }
    }
    if !state.cluster.moving.lock().unwrap_or_else(|p| p.into_inner()).insert(id) {
        return Err(AppError::conflict("VM_MOVING", "the VM is being moved already").into());
    }
    let spec = Spec { kind: "move", target: Target::Vm(id), owner_id: Some(vm.view.owner_id), cancellable: false };
    let (s, who) = (state.clone(), caller.clone());
    let result = operations::run(state, caller, spec, move |progress| async move {
        let outcome = send_vm(&s, &who, id, &target, disks, progress).await;
        s.cluster.moving.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        outcome
    })
    .await;
    if result.is_err() {
        state.cluster.moving.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }
    result
}

/// The work of a move: every disk sent and checked, then the hand-over.
async fn send_vm(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: &crate::store::NodeRoute,
    disks: Vec<app::types::DiskView>,
    progress: operations::Progress,
) -> std::result::Result<(), String> {
    let paths: Vec<_> = disks.iter().map(|d| super::storage::disk_path(state, d)).collect();
    let total: u64 = paths.iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).sum::<u64>().max(1);
    let mut before = 0u64;
    let mut sent_ids = Vec::new();
    for (d, path) in disks.iter().zip(&paths) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let seen = done.clone();
        let reporter = {
            let progress = progress.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let sent = before + seen.load(std::sync::atomic::Ordering::Relaxed);
                    progress.set((sent * 95 / total) as u8).await;
                }
            })
        };
        let sent = crate::cluster::send_disk(state, target, d.id, path, move |n| done.store(n, std::sync::atomic::Ordering::Relaxed)).await;
        reporter.abort();
        if let Err(e) = sent {
            super::storage::drop_sent(state, caller, target, sent_ids).await;
            return Err(e);
        }
        sent_ids.push(d.id);
        before += std::fs::metadata(path).map_or(0, |m| m.len());
    }
    let handed = state.store.hand_over_vm(id, state.node_id, target.id).await.map_err(|e| e.to_string());
    if handed != Ok(true) {
        super::storage::drop_sent(state, caller, target, sent_ids).await;
        return Err(handed.err().unwrap_or_else(|| "the VM changed while its disks were copied; nothing was moved".into()));
    }
    state.engine.forget(VmId(id));
    for path in &paths {
        let _ = std::fs::remove_file(path);
    }
    tracing::info!(vm_id = id, to = %target.name, "VM moved to another node");
    Ok(())
}

/// Asks for a lifecycle action. Returns the operation that tracks it; the
/// work goes on after the call returns.
pub async fn change_state(state: &AppState, caller: &Caller, id: i64, req: StateChangeRequest) -> Result<OperationView> {
    let vm = load(state, caller, id).await?;
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        return crate::cluster::call(state, &node, caller, crate::cluster::NodeCall::ChangeState { vm_id: id, request: req }).await;
    }
    let mut action = req.action;
    let timeout = req.timeout.unwrap_or(DEFAULT_SHUTDOWN_SECS);
    if timeout > MAX_SHUTDOWN_SECS {
        return Err(AppError::invalid("timeout", format!("must be at most {MAX_SHUTDOWN_SECS} seconds")).into());
    }
    if matches!(action, Action::Start | Action::Restart) && state.cluster.moving.lock().unwrap_or_else(|p| p.into_inner()).contains(&id) {
        return Err(AppError::conflict("VM_MOVING", "the VM's disks are being copied to another node; start it when the move is done").into());
    }
    if action == Action::Shutdown && req.force == Some(true) && timeout == 0 {
        action = Action::Stop;
    }
    let _admission = crate::cluster::admit(state).await?;
    let current = current_state(state, &vm).await;
    let machine = match action {
        Action::Start | Action::Restart => Some(machine(state, &vm).await?),
        _ => None,
    };
    if action == Action::Start && !current.has_process() {
        if let Some(lab) = vm.view.lab_id {
            super::labs::check_open(state, caller, lab).await?;
        }
        let course = match vm.view.lab_id {
            Some(_) => state.store.vm_course(id).await?,
            None => None,
        };
        super::quotas::check_start(state, vm.view.owner_id, course, vm.view.cpus, vm.view.memory_mib).await?;
    }
    let outcome = state
        .engine
        .request(VmId(id), current, action, machine, Duration::from_secs(timeout as u64))
        .await
        .map_err(|e| match e {
            EngineError::Invalid(t) => AppError::conflict("INVALID_STATE", format!("{t} (the VM is {})", t.state)),
            EngineError::Failed(m) => AppError::conflict("VM_BUSY", m),
        })?;
    let spec = Spec { kind: action.as_str(), target: Target::Vm(id), owner_id: Some(vm.view.owner_id), cancellable: false };
    operations::run(state, caller, spec, |_| async move {
        outcome.await.unwrap_or_else(|_| Err("the engine dropped the request".into())).map(|_| ())
    })
    .await
}
