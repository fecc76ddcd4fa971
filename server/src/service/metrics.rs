//! What a running VM uses of its host now (`GET /vms/{id}/metrics`): CPU of
//! its QEMU and of its vCPU threads, resident memory, per-disk I/O, and
//! network traffic where its backend counts it.

use super::vms::load;
use crate::engine::procfs;
use crate::engine::qemu::commands::{disk_io, total_disk_io, QemuCommand};
use crate::engine::VmId;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::auth::Caller;
use crate::auth::access::Admin;
use crate::store::metrics::{tiers, Bucket, HostSample, Sample};
use app::lifecycle::VmState;
use app::types::{
    ChartRange, CpuMetrics, DiskMetrics, HistoryPoint, HostCapacity, HostCpu, HostHistory, HostMemory, HostPoint, HostStatus, MemoryMetrics,
    NetworkMetrics, NetworkMode, PoolSpace, StateCount, VmHistory, VmMetrics,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// CPU use is measured over this long.
const CPU_WINDOW: Duration = Duration::from_millis(250);

pub async fn vm_now(state: &AppState, caller: &Caller, vm_id: i64) -> Result<VmMetrics> {
    let vm = load(state, caller, vm_id).await?;
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        return crate::cluster::call(state, &node, caller, crate::cluster::NodeCall::VmMetrics { vm_id }).await;
    }
    super::console::require_live(state, &vm).await?;
    let gone = || ServerError::from(app::error::AppError::conflict("VM_NOT_RUNNING", "the VM stopped while it was measured"));
    let pid = state.engine.pid(VmId(vm_id)).await.ok_or_else(gone)?;
    let (before, started) = (procfs::sample(pid).ok_or_else(gone)?, Instant::now());
    tokio::time::sleep(CPU_WINDOW).await;
    let after = procfs::sample(pid).ok_or_else(gone)?;
    let secs = started.elapsed().as_secs_f64();

    let blockstats = state.engine.ask(VmId(vm_id), QemuCommand::BlockStats).await.map_err(|_| gone())?;
    let disks = vm
        .view
        .disk_ids
        .iter()
        .enumerate()
        .map(|(i, &disk_id)| {
            let (read_bytes, write_bytes, read_ops, write_ops) = disk_io(&blockstats, i).unwrap_or_default();
            DiskMetrics { disk_id, read_bytes, write_bytes, read_ops, write_ops }
        })
        .collect();
    let unavailable = |why: &str| NetworkMetrics { available: false, rx_bytes: None, tx_bytes: None, note: Some(why.to_owned()) };
    let network = match vm.view.network {
        NetworkMode::User => unavailable("user-mode networking keeps no per-VM traffic counters"),
        NetworkMode::None => unavailable("the VM has no network"),
        NetworkMode::Bridge => match procfs::guest_traffic(pid) {
            Some((rx, tx)) => NetworkMetrics { available: true, rx_bytes: Some(rx), tx_bytes: Some(tx), note: None },
            None => unavailable("the VM's tap device could not be read"),
        },
    };
    Ok(VmMetrics {
        vm_id,
        sampled_at: crate::time::now_rfc3339(),
        uptime_secs: after.age_secs,
        cpu: CpuMetrics {
            process_percent: procfs::percent(before.cpu_ticks, after.cpu_ticks, secs),
            vcpu_percent: procfs::percent(before.vcpu_ticks, after.vcpu_ticks, secs),
            vcpus: vm.view.cpus,
        },
        memory: MemoryMetrics {
            configured_mib: vm.view.memory_mib,
            rss_bytes: after.rss_bytes,
            guest_used_bytes: None,
            guest_note: Some("the guest reports no memory use (vlab gives VMs no balloon device or guest agent)".into()),
        },
        disks,
        network,
    })
}

/// Samples every VM whose QEMU runs on this node, each
/// `metrics_interval_secs`, into its history; drops what the tiers no
/// longer keep.
pub fn spawn_sampler(state: AppState) {
    let every = state.config.metrics_interval_secs;
    if every == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut last = HashMap::new();
        let mut host_cpu = procfs::host_cpu();
        let mut tick = tokio::time::interval(Duration::from_secs(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        for round in 0u64.. {
            tick.tick().await;
            let samples = sample_round(&state, &mut last).await;
            let now = crate::time::now();
            if let Err(e) = state.store.record_samples(every as i64, now, &samples).await {
                tracing::warn!(error = %e, "could not store VM samples");
            }
            let host = host_sample(&mut host_cpu, last.len());
            if let Err(e) = state.store.record_host_sample(every as i64, state.node_id, now, &host).await {
                tracing::warn!(error = %e, "could not store a host sample");
            }
            // About once every ten minutes.
            if round % (600 / every).max(1) == 0 {
                if let Err(e) = state.store.prune_samples(every as i64, now).await {
                    tracing::warn!(error = %e, "could not prune VM samples");
                }
            }
        }
    });
}

/// One reading of every live VM. CPU is the share since the VM's previous
/// reading (`last`), so a VM's first round gives none.
pub async fn sample_round(state: &AppState, last: &mut HashMap<i64, (Instant, procfs::ProcessSample)>) -> Vec<(i64, Sample)> {
    let live = state.engine.live().await;
    let mut samples = Vec::with_capacity(live.len());
    for &(vm, pid) in &live {
        let Some(now) = procfs::sample(pid) else { continue };
        let previous = last.insert(vm.0, (Instant::now(), now));
        let Some((then, before)) = previous else { continue };
        let secs = then.elapsed().as_secs_f64();
        let (read_bytes, write_bytes) = state.engine.ask(vm, QemuCommand::BlockStats).await.map_or((0, 0), |stats| total_disk_io(&stats));
        let traffic = procfs::guest_traffic(pid);
        samples.push((
            vm.0,
            Sample {
                cpu_percent: procfs::percent(before.cpu_ticks, now.cpu_ticks, secs),
                vcpu_percent: procfs::percent(before.vcpu_ticks, now.vcpu_ticks, secs),
                rss_bytes: now.rss_bytes as i64,
                read_bytes: read_bytes as i64,
                write_bytes: write_bytes as i64,
                rx_bytes: traffic.map(|(rx, _)| rx as i64),
                tx_bytes: traffic.map(|(_, tx)| tx as i64),
            },
        ));
    }
    last.retain(|id, _| live.iter().any(|(vm, _)| vm.0 == *id));
    samples
}

/// The most points one history answer has.
const MAX_POINTS: i64 = 2000;
/// The longest range kept.
const MAX_RANGE_SECS: i64 = 30 * 86_400;
/// How far past what a tier keeps a range may start and still read it.
const TIER_SLACK_SECS: i64 = 60;

/// A VM's history from `from` to `to` (RFC 3339; default the last hour) at
/// `step` seconds (default: the finest kept for the range, at most 500 points).
pub async fn history(state: &AppState, caller: &Caller, vm_id: i64, from: Option<&str>, to: Option<&str>, step: Option<u64>) -> Result<VmHistory> {
    load(state, caller, vm_id).await?;
    let r = Range::parse(state, from, to, step)?;
    // One bucket before `from`, for the first step's rates.
    let buckets = state.store.vm_buckets(vm_id, r.tier, r.from - r.from.rem_euclid(r.step) - r.step, r.to).await?;
    Ok(VmHistory {
        vm_id,
        step_secs: r.step as u64,
        from: crate::time::rfc3339(r.from),
        to: crate::time::rfc3339(r.to),
        points: points(&buckets, r.step, r.from),
    })
}

/// A VM's history over the last hour, day or week.
pub async fn recent_history(state: &AppState, caller: &Caller, vm_id: i64, range: ChartRange) -> Result<VmHistory> {
    history(state, caller, vm_id, Some(&since(range)), None, Some(range.step())).await
}

/// The start of `range` back from now, RFC 3339.
fn since(range: ChartRange) -> String {
    crate::time::rfc3339(crate::time::now() - range.secs())
}

/// A history query: its range, the tier it reads and its step.
struct Range {
    from: i64,
    to: i64,
    tier: usize,
    step: i64,
}

impl Range {
    fn parse(state: &AppState, from: Option<&str>, to: Option<&str>, step: Option<u64>) -> Result<Range> {
        let now = crate::time::now();
        let mut fields = app::error::FieldErrors::new();
        let to = to.map_or(Some(now), |t| super::labs::parse_time("to", t, &mut fields));
        let from = from.map_or(to.map(|t| t - 3600), |f| super::labs::parse_time("from", f, &mut fields));
        if let Some(e) = app::error::AppError::from_fields(fields) {
            return Err(e.into());
        }
        let (from, to) = (from.unwrap_or_default(), to.unwrap_or_default());
        if from >= to || to - from > MAX_RANGE_SECS {
            return Err(app::error::AppError::invalid("from", "must be before `to`, at most 30 days earlier").into());
        }
        if step.is_some_and(|s| s == 0 || s > MAX_RANGE_SECS as u64) {
            return Err(app::error::AppError::invalid("step", format!("must be 1 to {MAX_RANGE_SECS} seconds")).into());
        }
        let tiers = tiers(state.config.metrics_interval_secs as i64);
        // The finest tier that still holds `from` (within a minute: "the
        // last day" asked a moment ago still reads the minute tier); a
        // coarser one when the step asks for it.
        let wanted = step.map(|s| s as i64);
        let mut tier = tiers.iter().position(|(_, keep)| now - from <= *keep + TIER_SLACK_SECS).unwrap_or(tiers.len() - 1);
        while tier + 1 < tiers.len() && wanted.is_some_and(|w| tiers[tier + 1].0 <= w) {
            tier += 1;
        }
        let base = tiers[tier].0;
        let step = match wanted {
            Some(w) => w.max(base) / base * base,
            None => (((to - from) / 500).max(base) + base - 1) / base * base,
        };
        if (to - from) / step > MAX_POINTS {
            return Err(app::error::AppError::invalid("step", format!("gives more than {MAX_POINTS} points over this range")).into());
        }
        Ok(Range { from, to, tier, step })
    }
}

/// vlab's pools of files.
pub const POOLS: [&str; 4] = ["disks", "isos", "templates", "kernels"];

/// Size and free bytes of the filesystem that holds `pool` (or will: a pool
/// not made yet lives where it will be made).
pub fn pool_space(config: &crate::config::Config, pool: &str) -> (u64, u64) {
    let dir = config.pool_dir(pool);
    let on = dir.ancestors().find(|d| d.exists()).unwrap_or(&config.data_dir);
    (crate::reserve::total_bytes(on).unwrap_or(0), crate::reserve::free_bytes(on).unwrap_or(0))
}

/// This node's host now: CPU over a quarter of a second, memory, pools,
/// QEMU, the accelerator, its VMs and what they hold.
pub async fn host_now(state: &AppState, _admin: &Admin) -> Result<HostStatus> {
    let before = procfs::host_cpu();
    tokio::time::sleep(CPU_WINDOW).await;
    let percent = procfs::host_percent(before, procfs::host_cpu());
    let (load_1m, load_5m, load_15m) = procfs::load_average().unwrap_or_default();
    let (total, available) = procfs::host_memory().unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let pools = POOLS
        .into_iter()
        .map(|pool| {
            let (total_bytes, free_bytes) = pool_space(&state.config, pool);
            PoolSpace {
                pool: pool.into(),
                shared: state.config.shared_pool_dir.is_some() && crate::config::SHARED_POOLS.contains(&pool),
                total_bytes,
                free_bytes,
            }
        })
        .collect();
    let (states, running_vcpus, running_memory_mib) = state.store.node_vm_load(state.node_id).await?;
    let vms = VmState::ALL
        .into_iter()
        .map(|s| StateCount { state: s, count: states.iter().find(|(n, _)| n == s.as_str()).map_or(0, |(_, c)| *c) })
        .collect();
    let node = state.store.node(state.node_id).await?;
    let started_at = node.as_ref().map_or_else(crate::time::now, |n| n.started_at);
    Ok(HostStatus {
        node: state.config.node_name.clone(),
        sampled_at: crate::time::now_rfc3339(),
        cpu: HostCpu { cores, percent, load_1m, load_5m, load_15m },
        memory: HostMemory { total_bytes: total, available_bytes: available, used_bytes: total.saturating_sub(available) },
        pools,
        qemu_version: node.map(|n| n.qemu_version).unwrap_or_default(),
        accelerator: state.accel.name().to_owned(),
        accelerator_reason: state.accel.reason.clone(),
        vms,
        capacity: HostCapacity {
            running_vcpus,
            cores,
            running_memory_mib,
            allowed_memory_mib: ((total >> 20) as f64 * state.config.host_memory_ratio) as u64,
            host_memory_ratio: state.config.host_memory_ratio,
        },
        vlab_version: env!("CARGO_PKG_VERSION").into(),
        started_at: crate::time::rfc3339(started_at),
        uptime_secs: (crate::time::now() - started_at).max(0) as u64,
    })
}

/// This node's host history, like a VM's.
pub async fn host_history(state: &AppState, _admin: &Admin, from: Option<&str>, to: Option<&str>, step: Option<u64>) -> Result<HostHistory> {
    let r = Range::parse(state, from, to, step)?;
    let buckets = state.store.host_buckets(state.node_id, r.tier, r.from - r.from.rem_euclid(r.step), r.to).await?;
    let mut points: Vec<HostPoint> = Vec::new();
    for group in buckets.chunk_by(|a, b| a.at - a.at.rem_euclid(r.step) == b.at - b.at.rem_euclid(r.step)) {
        let n = group.len() as f64;
        let last = group[group.len() - 1].sample;
        let avg = |f: fn(&HostSample) -> f64| (group.iter().map(|b| f(&b.sample)).sum::<f64>() / n * 10.0).round() / 10.0;
        points.push(HostPoint {
            at: crate::time::rfc3339(group[0].at - group[0].at.rem_euclid(r.step)),
            cpu_percent: avg(|s| s.cpu_percent),
            load_1m: avg(|s| s.load_1m),
            memory_used_bytes: (group.iter().map(|b| b.sample.memory_used_bytes as f64).sum::<f64>() / n) as u64,
            running_vms: last.running_vms.max(0) as u64,
        });
    }
    Ok(HostHistory {
        node: state.config.node_name.clone(),
        step_secs: r.step as u64,
        from: crate::time::rfc3339(r.from),
        to: crate::time::rfc3339(r.to),
        points,
    })
}

/// This node's host history over the last hour, day or week.
pub async fn recent_host_history(state: &AppState, admin: &Admin, range: ChartRange) -> Result<HostHistory> {
    host_history(state, admin, Some(&since(range)), None, Some(range.step())).await
}

/// One reading of this node's host; CPU since `last` (updated).
fn host_sample(last: &mut Option<(u64, u64)>, running_vms: usize) -> HostSample {
    let now = procfs::host_cpu();
    let cpu_percent = procfs::host_percent(*last, now);
    *last = now;
    let (total, available) = procfs::host_memory().unwrap_or_default();
    HostSample {
        cpu_percent,
        load_1m: procfs::load_average().map_or(0.0, |l| l.0),
        memory_used_bytes: total.saturating_sub(available) as i64,
        running_vms: running_vms as i64,
    }
}

/// Groups buckets into steps: CPU and memory averaged, counters turned into
/// rates against the previous step (a VM that restarted counts from zero);
/// a step with none before it has rates when it holds two buckets or more.
fn points(buckets: &[Bucket], step: i64, from: i64) -> Vec<HistoryPoint> {
    let mut out = Vec::new();
    let mut previous: Option<(i64, Sample)> = None;
    let mut i = 0;
    while i < buckets.len() {
        let at = buckets[i].at - buckets[i].at.rem_euclid(step);
        let group: Vec<&Bucket> = buckets[i..].iter().take_while(|b| b.at - b.at.rem_euclid(step) == at).collect();
        i += group.len();
        let n = group.len() as f64;
        let last = group[group.len() - 1].sample;
        let rate = |now: i64, before: Option<i64>, secs: i64| -> f64 {
            let delta = match before {
                Some(b) if now >= b => now - b,
                _ => now,
            };
            delta as f64 / secs.max(1) as f64
        };
        let (since, before) = match previous {
            Some((t, s)) => (at - t, Some(s)),
            // No step before (the VM had just started, or what was before
            // is no longer kept): rates over the step's own buckets.
            None if group.len() >= 2 => (group[group.len() - 1].at - group[0].at, Some(group[0].sample)),
            None => (step, None),
        };
        if at >= from - from.rem_euclid(step) && before.is_some() {
            out.push(HistoryPoint {
                at: crate::time::rfc3339(at),
                cpu_percent: (group.iter().map(|b| b.sample.cpu_percent).sum::<f64>() / n * 10.0).round() / 10.0,
                vcpu_percent: (group.iter().map(|b| b.sample.vcpu_percent).sum::<f64>() / n * 10.0).round() / 10.0,
                rss_bytes: (group.iter().map(|b| b.sample.rss_bytes as f64).sum::<f64>() / n) as u64,
                read_bytes_per_sec: rate(last.read_bytes, before.map(|b| b.read_bytes), since),
                write_bytes_per_sec: rate(last.write_bytes, before.map(|b| b.write_bytes), since),
                rx_bytes_per_sec: last.rx_bytes.map(|r| rate(r, before.and_then(|b| b.rx_bytes), since)),
                tx_bytes_per_sec: last.tx_bytes.map(|t| rate(t, before.and_then(|b| b.tx_bytes), since)),
            });
        }
        previous = Some((at, last));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(at: i64, read_bytes: i64) -> Bucket {
        Bucket { at, sample: Sample { cpu_percent: 10.0, read_bytes, ..Default::default() } }
    }

    #[test]
    fn rates_come_from_the_step_before_or_else_from_the_steps_own_buckets() {
        // One bucket alone has no rate to give: no point.
        assert!(points(&[bucket(100, 5000)], 10, 100).is_empty());
        // Two in the first step: their own rate (500 bytes over 5 s).
        let p = points(&[bucket(100, 1000), bucket(105, 1500)], 10, 100);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].read_bytes_per_sec, 100.0);
        // Then against the step before (1000 bytes over 10 s).
        let p = points(&[bucket(100, 1000), bucket(105, 1500), bucket(110, 2500)], 10, 100);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].read_bytes_per_sec, 100.0);
        // A restart counts from zero.
        let p = points(&[bucket(100, 1000), bucket(105, 1500), bucket(110, 300)], 10, 100);
        assert_eq!(p[1].read_bytes_per_sec, 30.0);
    }
}
