//! `qemu-img`: make, inspect and grow disk images.

use serde::Deserialize;
use std::path::Path;
use tokio::process::Command;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ImageInfo {
    pub format: String,
    #[serde(rename = "virtual-size")]
    pub virtual_size: u64,
    #[serde(rename = "actual-size", default)]
    pub actual_size: u64,
    #[serde(rename = "backing-filename", default)]
    pub backing_filename: Option<String>,
    /// Format details; for qcow2, `data.data-file` names an external data file.
    #[serde(rename = "format-specific", default)]
    pub format_specific: Option<serde_json::Value>,
}

impl ImageInfo {
    /// Whether the image reads from any file other than itself.
    pub fn refers_elsewhere(&self) -> bool {
        self.backing_filename.is_some()
            || self.format_specific.as_ref().and_then(|f| f.pointer("/data/data-file")).is_some()
    }
}

async fn run(binary: &str, args: &[&std::ffi::OsStr]) -> Result<String, String> {
    let out = Command::new(binary)
        .args(args)
        .output()
        .await
        .map_err(|e| format!("cannot run {binary}: {e}"))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    // The whole complaint goes to the log; callers (and so clients) get it
    // without host paths, with a reference to find it there.
    let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    let reference = crate::auth::token::short_id();
    tracing::warn!(reference, command = ?args.first(), stderr = %said, "qemu-img failed");
    let plain = said.strip_prefix("qemu-img: ").unwrap_or(&said);
    Err(format!("{} (ref {reference})", crate::engine::hide_paths(plain)))
}

pub async fn create(binary: &str, path: &Path, format: &str, size_bytes: u64) -> Result<(), String> {
    run(binary, &["create".as_ref(), "-q".as_ref(), "-f".as_ref(), format.as_ref(), path.as_os_str(), size_bytes.to_string().as_ref()])
        .await
        .map(|_| ())
}

/// What `qemu-img` says of an image read as `format`: the format vlab
/// recorded, never a guess from its content (a raw disk whose guest wrote a
/// qcow2 header stays raw).
pub async fn info(binary: &str, path: &Path, format: &str) -> Result<ImageInfo, String> {
    let out = run(binary, &["info".as_ref(), "-U".as_ref(), "-f".as_ref(), format.as_ref(), "--output=json".as_ref(), path.as_os_str()]).await?;
    serde_json::from_str(&out).map_err(|e| format!("unexpected qemu-img output: {e}"))
}

pub async fn resize(binary: &str, path: &Path, format: &str, size_bytes: u64) -> Result<(), String> {
    run(binary, &["resize".as_ref(), "-q".as_ref(), "-f".as_ref(), format.as_ref(), path.as_os_str(), size_bytes.to_string().as_ref()])
        .await
        .map(|_| ())
}

/// Internal qcow2 snapshots of a stopped image: `-c` create, `-a` apply, `-d` delete.
pub async fn snapshot(binary: &str, path: &Path, op: &str, tag: &str) -> Result<(), String> {
    // `snapshot` has no -f: the format is named through the image options.
    // vlab's paths contain no ',' (checked where they are made).
    let mut image = std::ffi::OsString::from("driver=qcow2,file.driver=file,file.filename=");
    image.push(path.as_os_str());
    run(binary, &["snapshot".as_ref(), "--image-opts".as_ref(), op.as_ref(), tag.as_ref(), image.as_os_str()]).await.map(|_| ())
}

/// A qcow2 overlay at `path` whose backing file is the qcow2 image `backing`.
pub async fn create_overlay(binary: &str, path: &Path, backing: &Path) -> Result<(), String> {
    // The overlay records this path; a relative one would be read relative to the overlay.
    let backing = std::path::absolute(backing).map_err(|e| format!("backing file: {e}"))?;
    run(
        binary,
        &["create".as_ref(), "-q".as_ref(), "-f".as_ref(), "qcow2".as_ref(), "-b".as_ref(), backing.as_os_str(), "-F".as_ref(), "qcow2".as_ref(), path.as_os_str()],
    )
    .await
    .map(|_| ())
}

/// `qemu-img check` of a qcow2 image: Ok when it is consistent.
pub async fn check(binary: &str, path: &Path) -> Result<(), String> {
    run(binary, &["check".as_ref(), "-q".as_ref(), "-f".as_ref(), "qcow2".as_ref(), path.as_os_str()]).await.map(|_| ())
}

/// Copies the qcow2 image `src` (and the qcow2 template it is an overlay on)
/// into one self-contained qcow2 image.
pub async fn flatten(binary: &str, src: &Path, dst: &Path) -> Result<(), String> {
    run(binary, &["convert".as_ref(), "-q".as_ref(), "-f".as_ref(), "qcow2".as_ref(), "-O".as_ref(), "qcow2".as_ref(), src.as_os_str(), dst.as_os_str()])
        .await
        .map(|_| ())
}
