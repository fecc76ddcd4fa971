//! Does KVM really run a guest here? Boots a 512-byte boot sector that
//! writes a word to the serial port, under KVM, with a short timeout. The
//! `pc` machine: q35's firmware will not boot a one-sector disk.

use std::process::Stdio;
use std::time::Duration;

/// Real-mode code: write "VLABKVM" to COM1, then halt forever.
fn boot_sector() -> Vec<u8> {
    let mut code: Vec<u8> = vec![0xBA, 0xF8, 0x03]; // mov dx, 0x3f8
    for b in b"VLABKVM\n" {
        code.extend_from_slice(&[0xB0, *b, 0xEE]); // mov al, b; out dx, al
    }
    code.extend_from_slice(&[0xFA, 0xF4, 0xEB, 0xFD]); // cli; hlt; jmp back to hlt
    code.resize(510, 0);
    code.extend_from_slice(&[0x55, 0xAA]);
    code
}

pub async fn kvm_runs_guest(qemu_binary: &str) -> bool {
    let Ok(dir) = tempdir() else { return false };
    let image = dir.join("probe.img");
    if std::fs::write(&image, boot_sector()).is_err() {
        return false;
    }
    let child = tokio::process::Command::new(qemu_binary)
        .args(["-accel", "kvm", "-machine", "pc", "-m", "32", "-nodefaults", "-no-user-config", "-display", "none"])
        .args(["-serial", "stdio", "-drive"])
        .arg(format!("file={},format=raw,if=ide", image.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let ok = match child {
        Ok(mut child) => {
            let mut out = child.stdout.take();
            let read = async {
                use tokio::io::AsyncReadExt;
                let mut buf = Vec::new();
                let mut chunk = [0u8; 256];
                while let Some(o) = out.as_mut() {
                    match o.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            buf.extend_from_slice(&chunk[..n]);
                            if buf.windows(7).any(|w| w == b"VLABKVM") {
                                return true;
                            }
                        }
                    }
                }
                false
            };
            let ok = tokio::time::timeout(Duration::from_secs(5), read).await.unwrap_or(false);
            let _ = child.start_kill();
            let _ = child.wait().await;
            ok
        }
        Err(_) => false,
    };
    let _ = std::fs::remove_dir_all(&dir);
    ok
}

fn tempdir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("vlab-kvm-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
