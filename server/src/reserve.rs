//! Space for the database, held as a file. Uploads and new disks leave
//! `storage_reserve_mib` free, but disks are thin: a guest that writes its
//! disk grows it past any check made when the disk was created, until the
//! filesystem is full. So the same amount is also held, as
//! `<data dir>/reserve` (allocated, not sparse). When a guest is paused
//! because its disk could not be written (the pool is full), the engine
//! gives the file back, so the database can still record that and every
//! page keeps working; it is taken again once the space is free.

use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("reserve")
}

/// Bytes a file has allocated on disk (0 if it is not there).
pub fn allocated(file: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(file).map(|m| m.blocks() * 512).unwrap_or(0)
}

/// Free bytes of the filesystem that holds `dir`.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let s = statvfs(dir)?;
    Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
}

/// Size in bytes of the filesystem that holds `dir`.
pub fn total_bytes(dir: &Path) -> Option<u64> {
    let s = statvfs(dir)?;
    Some((s.f_blocks as u64).saturating_mul(s.f_frsize as u64))
}

fn statvfs(dir: &Path) -> Option<libc::statvfs> {
    let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid C string and `s` a writable statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    Some(s)
}

/// Takes the reserve (`bytes`) if it is not held and the filesystem has it
/// to spare twice over (so taking it never fills the filesystem itself).
pub fn keep(data_dir: &Path, bytes: u64) {
    let have = allocated(&path(data_dir));
    if have >= bytes || free_bytes(data_dir).is_none_or(|f| f < 2 * (bytes - have)) {
        return;
    }
    let made = std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(path(data_dir)).and_then(|f| {
        // SAFETY: fallocate on an fd this function owns.
        if unsafe { libc::fallocate(f.as_raw_fd(), 0, 0, bytes as libc::off_t) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    });
    if let Err(e) = made {
        tracing::warn!(error = %e, "could not hold the database's reserve space");
        let _ = std::fs::remove_file(path(data_dir));
    }
}

/// Gives the reserve back to the filesystem (it is full).
pub fn release(data_dir: &Path) {
    if std::fs::remove_file(path(data_dir)).is_ok() {
        tracing::warn!("the data dir's filesystem is full: gave back the database's reserve space");
    }
}
