//! The installation as a whole: the demo guest a new data dir gets, and
//! the admin's overview of what exists and how guests are accelerated.

use crate::auth::Admin;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use app::types::{IsoView, SystemOverview};

/// The demo ISO's name in the library.
pub const DEMO_ISO_NAME: &str = "Demo guest (busybox Linux, boots in seconds)";

/// Puts the demo guest's ISO into the library, owned by `owner_id`. Does
/// nothing when no demo guest is configured or its ISO is missing.
pub async fn install_demo_guest(state: &AppState, owner_id: i64) -> Result<Option<IsoView>> {
    let Some(dir) = &state.config.demo_guest else { return Ok(None) };
    let src = dir.join("boot.iso");
    let Ok(meta) = std::fs::metadata(&src) else {
        tracing::warn!(dir = %dir.display(), "the demo guest has no boot.iso; the ISO library starts empty");
        return Ok(None);
    };
    super::storage::ensure_pool(state, "isos")?;
    let sha = super::storage::sha256_file(&src).await.map_err(|e| ServerError::internal(format!("demo ISO: {e}")))?;
    let iso = state.store.insert_iso_as(DEMO_ISO_NAME, owner_id, meta.len(), &sha, true).await?;
    let dest = super::storage::iso_path(state, iso.id);
    if let Err(e) = tokio::fs::copy(&src, &dest).await {
        // Nothing half-made: no row for a file that is not there.
        state.store.delete_iso(iso.id).await?;
        let _ = tokio::fs::remove_file(&dest).await;
        return Err(ServerError::internal(format!("copying the demo ISO: {e}")));
    }
    state.store.set_iso_received(iso.id, meta.len(), true).await?;
    tracing::info!(iso_id = iso.id, "demo guest installed in the ISO library");
    Ok(state.store.iso(iso.id).await?)
}

/// What the host allows user-mode guests, for everyone who runs one.
pub fn guest_network(state: &AppState) -> app::types::GuestNetwork {
    let (outbound, reason) = if !state.guard.active {
        (false, format!("this host gives guests no outbound network, because the guard that keeps them off the host itself is not active: {}", state.guard.reason))
    } else if !state.config.guest_outbound {
        (false, "the admin turned guests' outbound network off on this host (guest_outbound = false)".to_owned())
    } else {
        (true, state.guard.reason.clone())
    };
    app::types::GuestNetwork { outbound, reason }
}

pub async fn overview(state: &AppState, _admin: &Admin) -> Result<SystemOverview> {
    let c = state.store.overview_counts().await?;
    Ok(SystemOverview {
        users: c.users as u64,
        vms: c.vms as u64,
        running_vms: c.running_vms as u64,
        isos: c.isos as u64,
        courses: c.courses as u64,
        labs: c.labs as u64,
        demo_iso_id: c.demo_iso_id,
        accelerator: state.accel.name().into(),
        accelerator_reason: state.accel.reason.clone(),
    })
}
