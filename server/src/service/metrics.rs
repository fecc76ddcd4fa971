//! What a running VM uses of its host now (`GET /vms/{id}/metrics`): CPU of
//! its QEMU and of its vCPU threads, resident memory, per-disk I/O, and
//! network traffic where its backend counts it.

use super::vms::load;
use crate::engine::procfs;
use crate::engine::qemu::commands::{disk_io, QemuCommand};
use crate::engine::VmId;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::auth::Caller;
use crate::store::metrics::{tiers, Bucket, Sample};
use app::types::{CpuMetrics, DiskMetrics, HistoryPoint, MemoryMetrics, NetworkMetrics, NetworkMode, VmHistory, VmMetrics};
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
        let mut tick = tokio::time::interval(Duration::from_secs(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        for round in 0u64.. {
            tick.tick().await;
            let samples = sample_round(&state, &mut last).await;
            let now = crate::time::now();
            if let Err(e) = state.store.record_samples(every as i64, now, &samples).await {
                tracing::warn!(error = %e, "could not store VM samples");
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
        let (mut read_bytes, mut write_bytes) = (0, 0);
        if let Ok(stats) = state.engine.ask(vm, QemuCommand::BlockStats).await {
            for (rd, wr, _, _) in (0..).map_while(|i| disk_io(&stats, i)) {
                read_bytes += rd;
                write_bytes += wr;
            }
        }
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

/// A VM's history from `from` to `to` (RFC 3339; default the last hour) at
/// `step` seconds (default: the finest kept for the range, at most 500 points).
pub async fn history(state: &AppState, caller: &Caller, vm_id: i64, from: Option<&str>, to: Option<&str>, step: Option<u64>) -> Result<VmHistory> {
    load(state, caller, vm_id).await?;
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
    let tiers = tiers(state.config.metrics_interval_secs as i64);
    // The finest tier that still holds `from`; a coarser one when the step asks for it.
    let wanted = step.map(|s| s.clamp(1, MAX_RANGE_SECS as u64) as i64);
    let mut tier = tiers.iter().position(|(_, keep)| now - from <= *keep).unwrap_or(tiers.len() - 1);
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
    // One bucket before `from`, for the first step's rates.
    let buckets = state.store.vm_buckets(vm_id, tier, from - from.rem_euclid(step) - step, to).await?;
    Ok(VmHistory {
        vm_id,
        step_secs: step as u64,
        from: crate::time::rfc3339(from),
        to: crate::time::rfc3339(to),
        points: points(&buckets, step, from),
    })
}

/// Groups buckets into steps: CPU and memory averaged, counters turned into
/// rates against the previous step (a VM that restarted counts from zero).
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
