//! A VM's port forwards: host `127.0.0.1:port` to a guest port under
//! user-mode networking, added and removed live on a running VM.

use super::vms::{current_state, load};
use crate::auth::Caller;
use crate::engine::qemu::argv::Protocol;
use crate::engine::qemu::commands::QemuCommand;
use crate::engine::VmId;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use app::error::AppError;
use app::types::{NewPortForward, PortForwardView};

pub async fn list_port_forwards(state: &AppState, caller: &Caller, vm_id: i64) -> Result<Vec<PortForwardView>> {
    Ok(load(state, caller, vm_id).await?.view.port_forwards)
}

/// Adds a forward; on a running VM it takes effect at once.
pub async fn add_port_forward(state: &AppState, caller: &Caller, vm_id: i64, f: NewPortForward) -> Result<PortForwardView> {
    let vm = load(state, caller, vm_id).await?;
    let call = || crate::cluster::NodeCall::AddPortForward { vm_id, input: f.clone() };
    if let Some(pf) = crate::cluster::route(state, vm.view.node_id, caller, call).await? {
        return Ok(pf);
    }
    if vm.view.network != app::types::NetworkMode::User {
        return Err(AppError::conflict("NO_USER_NETWORK", "port forwards need user-mode networking").into());
    }
    if vm.view.port_forwards.len() >= super::vms::MAX_FORWARDS_PER_VM {
        return Err(AppError::conflict("TOO_MANY_FORWARDS", format!("a VM has at most {} port forwards", super::vms::MAX_FORWARDS_PER_VM)).into());
    }
    if vm.view.port_forwards.iter().any(|p| p.protocol == f.protocol && p.guest_port == f.guest_port) {
        return Err(AppError::conflict("FORWARD_EXISTS", format!("guest port {}/{} is forwarded already", f.protocol, f.guest_port)).into());
    }
    let mut fields = app::error::FieldErrors::new();
    let planned = super::vms::plan_forwards(state, std::slice::from_ref(&f), &mut fields).await?;
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let (protocol, host, guest) = planned.into_iter().next().ok_or_else(|| ServerError::internal("no forward planned"))?;
    let pf = state.store.insert_port_forward(vm_id, &protocol, host, guest).await.map_err(crate::error::unique_as(|| AppError::conflict("PORT_IN_USE", "that host port was just taken")))?;
    if current_state(state, &vm).await.has_process() {
        let command = QemuCommand::HostfwdAdd { protocol: protocol_of(&protocol), host_addr: FORWARD_ADDR.into(), host_port: host, guest_port: guest };
        if let Err(e) = state.engine.command(VmId(vm_id), command).await {
            state.store.delete_port_forward(vm_id, pf.id).await?;
            return Err(AppError::conflict("FORWARD_FAILED", format!("QEMU refused the forward: {e}")).into());
        }
    }
    Ok(pf)
}

pub async fn remove_port_forward(state: &AppState, caller: &Caller, vm_id: i64, id: i64) -> Result<()> {
    let vm = load(state, caller, vm_id).await?;
    let call = || crate::cluster::NodeCall::RemovePortForward { vm_id, forward_id: id };
    if crate::cluster::route_unit(state, vm.view.node_id, caller, call).await? {
        return Ok(());
    }
    let pf = state
        .store
        .delete_port_forward(vm_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("FORWARD_NOT_FOUND", format!("the VM has no port forward {id}")))?;
    if current_state(state, &vm).await.has_process() {
        let command = QemuCommand::HostfwdRemove { protocol: protocol_of(&pf.protocol), host_addr: FORWARD_ADDR.into(), host_port: pf.host_port };
        if let Err(e) = state.engine.command(VmId(vm_id), command).await {
            tracing::warn!(vm_id, error = %e, "hostfwd_remove failed; the forward ends when the VM stops");
        }
    }
    Ok(())
}

/// Forwards listen here on the host.
pub(crate) const FORWARD_ADDR: &str = "127.0.0.1";

pub(crate) fn protocol_of(name: &str) -> Protocol {
    if name == "udp" {
        Protocol::Udp
    } else {
        Protocol::Tcp
    }
}
