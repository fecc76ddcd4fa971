//! Logs: a VM's serial log and QEMU's own (for whoever may see the VM),
//! and vlab's recent log (admins).

use super::vms::load;
use crate::auth::access::Admin;
use crate::auth::Caller;
use crate::engine::VmId;
use crate::error::Result;
use crate::state::AppState;
use app::error::AppError;
use app::types::{LogEntry, LogSource, SystemLog, VmLog};

/// A range holds at most this many bytes (and this many by default).
pub const MAX_RANGE_BYTES: u64 = 1 << 20;
pub const DEFAULT_RANGE_BYTES: u64 = 64 << 10;
/// QEMU's log is read from its last this many bytes.
const QEMU_LOG_MAX_BYTES: u64 = 1 << 20;

/// `limit` bytes of a VM's `source` log from `offset` (default: its last `limit`).
pub async fn vm_log(state: &AppState, caller: &Caller, vm_id: i64, source: LogSource, offset: Option<u64>, limit: Option<u64>) -> Result<VmLog> {
    let vm = load(state, caller, vm_id).await?;
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        let call = crate::cluster::NodeCall::VmLog { vm_id, source, offset, limit };
        return crate::cluster::call(state, &node, caller, call).await;
    }
    let limit = limit.unwrap_or(DEFAULT_RANGE_BYTES);
    if !(1..=MAX_RANGE_BYTES).contains(&limit) {
        return Err(AppError::invalid("limit", format!("must be 1 to {MAX_RANGE_BYTES} bytes")).into());
    }
    let start = |size: u64| -> Result<u64> {
        let offset = offset.unwrap_or(size.saturating_sub(limit));
        if offset > size {
            return Err(AppError::invalid("offset", format!("is past the log's end ({size} bytes)")).into());
        }
        Ok(offset)
    };
    let (size, offset, bytes) = match source {
        // Only the range is read: a page following the log asks every few
        // seconds and mostly gets nothing new.
        LogSource::Serial => {
            let files = serial_files(state, vm_id);
            let mut lens = [0u64; 2];
            for (len, file) in lens.iter_mut().zip(&files) {
                *len = tokio::fs::metadata(file).await.map_or(0, |m| m.len());
            }
            let size = lens.iter().sum();
            let offset = start(size)?;
            (size, offset, read_span(&files, lens, offset, limit).await)
        }
        LogSource::Qemu => {
            let all = read_log(state, vm_id, source).await;
            let size = all.len() as u64;
            let offset = start(size)?;
            let end = (offset + limit).min(size);
            (size, offset, all[offset as usize..end as usize].to_vec())
        }
    };
    Ok(VmLog {
        vm_id,
        source,
        size,
        offset,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        next_offset: offset + bytes.len() as u64,
    })
}

/// Bytes `offset..offset + limit` of `files` read as one (each `lens` long
/// when measured); a file that shrank meanwhile gives what it still holds.
async fn read_span(files: &[std::path::PathBuf], lens: [u64; 2], offset: u64, limit: u64) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut out = Vec::new();
    let (mut base, end) = (0u64, offset + limit);
    for (file, len) in files.iter().zip(lens) {
        let (from, to) = (offset.max(base), end.min(base + len));
        if from < to {
            if let Ok(mut f) = tokio::fs::File::open(file).await {
                if f.seek(std::io::SeekFrom::Start(from - base)).await.is_ok() {
                    let _ = f.take(to - from).read_to_end(&mut out).await;
                }
            }
        }
        base += len;
    }
    out
}

/// The whole log as it is kept (a serial log within `serial_log_max_kib`,
/// QEMU's last MiB), for a download.
pub async fn vm_log_whole(state: &AppState, caller: &Caller, vm_id: i64, source: LogSource) -> Result<Vec<u8>> {
    let vm = load(state, caller, vm_id).await?;
    if crate::cluster::elsewhere(state, vm.view.node_id).await?.is_some() {
        // In ranges from the VM's node, as far as they go.
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let part = vm_log(state, caller, vm_id, source, Some(offset), Some(MAX_RANGE_BYTES)).await?;
            out.extend_from_slice(part.text.as_bytes());
            if part.next_offset >= part.size || part.next_offset == offset {
                return Ok(out);
            }
            offset = part.next_offset;
        }
    }
    Ok(read_log(state, vm_id, source).await)
}

/// The serial log's files in order: the part cut off last, then the
/// current one.
fn serial_files(state: &AppState, vm_id: i64) -> [std::path::PathBuf; 2] {
    let paths = state.engine.run_paths(VmId(vm_id));
    [paths.serial_log_old(), paths.serial_log()]
}

async fn read_log(state: &AppState, vm_id: i64, source: LogSource) -> Vec<u8> {
    match source {
        LogSource::Serial => {
            let mut bytes = Vec::new();
            for file in serial_files(state, vm_id) {
                bytes.extend(tokio::fs::read(file).await.unwrap_or_default());
            }
            bytes
        }
        LogSource::Qemu => {
            let bytes = tokio::fs::read(state.engine.run_paths(VmId(vm_id)).log()).await.unwrap_or_default();
            let tail = &bytes[bytes.len().saturating_sub(QEMU_LOG_MAX_BYTES as usize)..];
            crate::engine::qemu_log_text(&String::from_utf8_lossy(tail), &state.config.data_dir).into_bytes()
        }
    }
}

/// The most entries one answer has.
pub const MAX_ENTRIES: usize = 5000;

/// vlab's recent log on this node: entries at `level` or worse, from
/// `since` to `until` (RFC 3339), whose message or target holds `q`; the
/// newest `limit` (default 500).
pub fn system_log(
    state: &AppState,
    _admin: &Admin,
    level: Option<&str>,
    since: Option<&str>,
    until: Option<&str>,
    q: Option<&str>,
    limit: Option<usize>,
) -> Result<SystemLog> {
    let mut fields = app::error::FieldErrors::new();
    let worst = match level.unwrap_or("info") {
        "error" => tracing::Level::ERROR,
        "warn" => tracing::Level::WARN,
        "info" => tracing::Level::INFO,
        _ => {
            fields.insert("level".into(), "must be error, warn or info".into());
            tracing::Level::INFO
        }
    };
    let since = since.and_then(|t| super::labs::parse_time("since", t, &mut fields)).map(|s| s * 1000);
    let until = until.and_then(|t| super::labs::parse_time("until", t, &mut fields)).map(|s| s * 1000 + 999);
    let limit = limit.unwrap_or(500);
    if !(1..=MAX_ENTRIES).contains(&limit) {
        fields.insert("limit".into(), format!("must be 1 to {MAX_ENTRIES}"));
    }
    let q = q.map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    if q.as_ref().is_some_and(|q| q.chars().count() > super::MAX_SEARCH_CHARS) {
        fields.insert("q".into(), format!("must be at most {} characters", super::MAX_SEARCH_CHARS));
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let (entries, dropped) = crate::telemetry::recent(
        |e| {
            e.level <= worst
                && since.is_none_or(|s| e.at_ms >= s)
                && until.is_none_or(|u| e.at_ms <= u)
                && q.as_ref().is_none_or(|q| e.message.to_lowercase().contains(q) || e.target.contains(q.as_str()))
        },
        limit,
    );
    Ok(SystemLog {
        node: state.config.node_name.clone(),
        entries: entries
            .into_iter()
            .map(|e| LogEntry {
                at: crate::time::rfc3339_ms(e.at_ms),
                level: e.level.as_str().to_lowercase(),
                target: e.target,
                message: e.message,
            })
            .collect(),
        dropped,
        max_bytes: crate::telemetry::RECENT_MAX_BYTES as u64,
    })
}
