//! Quotas per user and per course, and host admission. Checked before a VM
//! or disk is made and before a VM starts; the error names the limit.

use crate::auth::{Admin, Caller};
use crate::error::Result;
use crate::state::AppState;
use crate::store::QuotaScope;
use app::error::AppError;
use app::types::{QuotaLimits, QuotaUsage, QuotaView, Role};

/// What a new VM or disk would add.
#[derive(Debug, Clone, Copy, Default)]
pub struct Demand {
    pub vms: u64,
    pub vcpus: u64,
    pub memory_mib: u64,
    pub disk_mib: u64,
}

fn scope_name(scope: QuotaScope) -> String {
    match scope {
        QuotaScope::User(id) => format!("user {id}'s quota"),
        QuotaScope::Course(id) => format!("course {id}'s quota"),
    }
}

fn exceeded(scope: QuotaScope, limit: &str, max: u64, used: u64, unit: &str) -> AppError {
    AppError::conflict(
        "QUOTA_EXCEEDED",
        format!("{}: {limit} is {max}{unit} and {used}{unit} are in use; this would go past it", scope_name(scope)),
    )
}

/// The first limit `add` would break, if any.
fn breach(limits: &QuotaLimits, usage: &QuotaUsage, add: Demand) -> Option<Breach> {
    let checks = [
        ("max_vms", limits.max_vms, usage.vms, add.vms, ""),
        ("max_vcpus", limits.max_vcpus, usage.vcpus, add.vcpus, ""),
        ("max_memory_mib", limits.max_memory_mib, usage.memory_mib, add.memory_mib, " MiB"),
        ("max_disk_mib", limits.max_disk_mib, usage.disk_mib, add.disk_mib, " MiB"),
    ];
    checks.into_iter().find_map(|(name, max, used, more, unit)| match max {
        Some(m) if more > 0 && used + more > m => Some((name, m, used, unit)),
        _ => None,
    })
}

fn running_breach(limits: &QuotaLimits, usage: &QuotaUsage, cpus: u64, memory: u64) -> Option<Breach> {
    let checks = [
        ("max_running_vms", limits.max_running_vms, usage.running_vms, 1, ""),
        ("max_running_vcpus", limits.max_running_vcpus, usage.running_vcpus, cpus, ""),
        ("max_running_memory_mib", limits.max_running_memory_mib, usage.running_memory_mib, memory, " MiB"),
    ];
    checks.into_iter().find_map(|(name, max, used, more, unit)| match max {
        Some(m) if used + more > m => Some((name, m, used, unit)),
        _ => None,
    })
}

fn scopes(owner_id: i64, course_id: Option<i64>) -> Vec<QuotaScope> {
    let mut s = vec![QuotaScope::User(owner_id)];
    s.extend(course_id.map(QuotaScope::Course));
    s
}

/// A broken limit: its name, the limit, what is in use, the unit.
pub type Breach = (&'static str, u64, u64, &'static str);

/// The first scope (in order) whose limits `test` finds broken, with the breach.
async fn first_breach(
    state: &AppState,
    scopes: &[QuotaScope],
    test: impl Fn(&QuotaLimits, &QuotaUsage) -> Option<Breach>,
) -> Result<Option<(QuotaScope, Breach)>> {
    for &scope in scopes {
        let limits = state.store.quota(scope).await?;
        if limits == QuotaLimits::default() {
            continue;
        }
        if let Some(b) = test(&limits, &state.store.usage(scope).await?) {
            return Ok(Some((scope, b)));
        }
    }
    Ok(None)
}

/// The limit of the course's quota that `add` more would break, if any.
pub async fn course_breach(state: &AppState, course_id: i64, add: Demand) -> Result<Option<Breach>> {
    Ok(first_breach(state, &[QuotaScope::Course(course_id)], |l, u| breach(l, u, add)).await?.map(|(_, b)| b))
}

/// Refuses a new VM or disk that would pass the owner's or the course's quota.
pub async fn check_create(state: &AppState, owner_id: i64, course_id: Option<i64>, add: Demand) -> Result<()> {
    match first_breach(state, &scopes(owner_id, course_id), |l, u| breach(l, u, add)).await? {
        Some((scope, (name, max, used, unit))) => Err(exceeded(scope, name, max, used, unit).into()),
        None => Ok(()),
    }
}

/// Refuses a start that would pass a running limit, or overcommit the host's memory.
pub async fn check_start(state: &AppState, owner_id: i64, course_id: Option<i64>, cpus: u32, memory_mib: u32) -> Result<()> {
    let test = |l: &QuotaLimits, u: &QuotaUsage| running_breach(l, u, cpus as u64, memory_mib as u64);
    if let Some((scope, (name, max, used, unit))) = first_breach(state, &scopes(owner_id, course_id), test).await? {
        return Err(exceeded(scope, name, max, used, unit).into());
    }
    if let Some(total) = host_memory_mib() {
        let allowed = (total as f64 * state.config.host_memory_ratio) as u64;
        let running = state.store.running_memory_mib().await?;
        if running + memory_mib as u64 > allowed {
            return Err(AppError::conflict(
                "HOST_MEMORY_FULL",
                format!(
                    "the host cannot take this VM: running VMs use {running} MiB, this one needs {memory_mib} MiB, and the host allows {allowed} MiB ({} x {total} MiB of RAM)",
                    state.config.host_memory_ratio
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// The host's RAM from /proc/meminfo.
fn host_memory_mib() -> Option<u64> {
    super::nodes::meminfo_mib("MemTotal:")
}

/// A user's quota: the user themself or an admin.
pub async fn user_quota(state: &AppState, caller: &Caller, user_id: i64) -> Result<QuotaView> {
    if caller.user.role != Role::Admin && caller.id() != user_id {
        return Err(AppError::not_found("USER_NOT_FOUND", format!("no user with id {user_id}")).into());
    }
    if state.store.user(user_id).await?.is_none() {
        return Err(AppError::not_found("USER_NOT_FOUND", format!("no user with id {user_id}")).into());
    }
    let scope = QuotaScope::User(user_id);
    Ok(QuotaView { limits: state.store.quota(scope).await?, usage: state.store.usage(scope).await? })
}

pub async fn set_user_quota(state: &AppState, admin: &Admin, user_id: i64, limits: QuotaLimits) -> Result<QuotaView> {
    if state.store.user(user_id).await?.is_none() {
        return Err(AppError::not_found("USER_NOT_FOUND", format!("no user with id {user_id}")).into());
    }
    state.store.set_quota(QuotaScope::User(user_id), &limits).await?;
    tracing::info!(user_id, admin_id = admin.id(), "user quota set");
    user_quota(state, admin, user_id).await
}

/// A course's quota: its teachers and admins see it.
pub async fn course_quota(state: &AppState, caller: &Caller, course_id: i64) -> Result<QuotaView> {
    super::courses::load(state, caller, course_id, super::courses::Access::Manage).await?;
    let scope = QuotaScope::Course(course_id);
    Ok(QuotaView { limits: state.store.quota(scope).await?, usage: state.store.usage(scope).await? })
}

/// Only admins set a course's quota.
pub async fn set_course_quota(state: &AppState, admin: &Admin, course_id: i64, limits: QuotaLimits) -> Result<QuotaView> {
    super::courses::load(state, admin, course_id, super::courses::Access::Manage).await?;
    state.store.set_quota(QuotaScope::Course(course_id), &limits).await?;
    course_quota(state, admin, course_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_broken_limit_is_named() {
        let limits = QuotaLimits { max_vms: Some(10), max_memory_mib: Some(4096), ..Default::default() };
        let usage = QuotaUsage { vms: 10, memory_mib: 1024, ..Default::default() };
        let one = Demand { vms: 1, vcpus: 1, memory_mib: 512, disk_mib: 0 };
        assert_eq!(breach(&limits, &usage, one).map(|b| b.0), Some("max_vms"));
        let usage = QuotaUsage { vms: 3, memory_mib: 4000, ..Default::default() };
        assert_eq!(breach(&limits, &usage, one).map(|b| b.0), Some("max_memory_mib"));
        let usage = QuotaUsage { vms: 3, memory_mib: 1024, ..Default::default() };
        assert_eq!(breach(&limits, &usage, one), None);
        // A disk alone does not count as a VM.
        let disk = Demand { disk_mib: 100, ..Default::default() };
        assert_eq!(breach(&limits, &QuotaUsage { vms: 10, ..Default::default() }, disk), None);
        let run = QuotaLimits { max_running_vms: Some(1), ..Default::default() };
        assert_eq!(running_breach(&run, &QuotaUsage { running_vms: 1, ..Default::default() }, 1, 128).map(|b| b.0), Some("max_running_vms"));
        assert_eq!(running_breach(&run, &QuotaUsage::default(), 1, 128), None);
    }
}
