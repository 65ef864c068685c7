//! Cross-built release zips: scripts/release.sh builds foreign platforms on this Linux machine,
//! and each zip must hold one binary of the right format that, where this machine can run it,
//! starts and prints its go-plugin handshake.
//!
//! Which platforms: `HOSTUP_TEST_PLATFORMS` (comma-separated, or `all`; default `linux_arm64`,
//! the cheapest foreign one, which CI builds on every run), with the cargo profile
//! `HOSTUP_TEST_PROFILE` (default `dev`: the same target, linker and format, built in a fraction
//! of the release profile's time). With `HOSTUP_TEST_DIST=DIR` it checks the zips in DIR
//! instead of building (the release workflow checks what it publishes). How each is checked:
//!
//! | platform | format | started under |
//! |---|---|---|
//! | linux_amd64 | ELF x86-64, loader /lib64/ld-linux-x86-64.so.2, glibc symbols <= 2.17 | this machine |
//! | linux_arm64 | ELF aarch64, loader /lib/ld-linux-aarch64.so.1, glibc symbols <= 2.17 | qemu-aarch64-static (Debian qemu-user-static) |
//! | windows_amd64 | PE32+ x86-64 executable | wine64 (Debian wine64; see bcryptprimitives_for_old_wine) |
//! | darwin_amd64 | Mach-O x86_64 executable | nothing here runs macOS binaries: format only |
//! | darwin_arm64 | Mach-O arm64 executable with a valid ad-hoc code signature | format only |
//! | freebsd_amd64 | ELF x86-64, loader /libexec/ld-elf.so.1 | nothing here runs FreeBSD binaries: format only |
//!
//! A platform whose runner is missing fails the test with the command that installs it; it is
//! never skipped.

mod binfmt;

use binfmt::{check_format, format_of};
use hostup_testkit::plugin;
use hostup_testkit::terraform::which;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const ALL: &[&str] = &[
    "linux_amd64",
    "linux_arm64",
    "darwin_amd64",
    "darwin_arm64",
    "windows_amd64",
    "freebsd_amd64",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

// ---------------------------------------------------------------------------------------------
// Starting a binary and reading its handshake.

/// How to start a binary of `platform` here, or why it cannot be.
fn runner(platform: &str, binary: &Path, scratch: &Path) -> Result<Option<Command>, String> {
    let host = format!(
        "{}_{}",
        std::env::consts::OS,
        match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            other => other,
        }
    );
    if platform == host {
        return Ok(Some(Command::new(binary)));
    }
    match platform {
        "linux_arm64" => {
            let qemu = which("qemu-aarch64-static").ok_or(
                "qemu-aarch64-static is missing: apt-get install qemu-user-static (scripts/test.sh does)",
            )?;
            let sysroot = Path::new("/usr/aarch64-linux-gnu");
            if !sysroot.join("lib/ld-linux-aarch64.so.1").exists() {
                return Err(
                    "no arm64 glibc in /usr/aarch64-linux-gnu: apt-get install libc6-arm64-cross \
                     (scripts/test.sh does)"
                        .into(),
                );
            }
            let mut cmd = Command::new(qemu);
            cmd.arg("-L").arg(sysroot).arg(binary);
            Ok(Some(cmd))
        }
        "windows_amd64" => {
            let wine = which("wine64")
                .or_else(|| Some(PathBuf::from("/usr/lib/wine/wine64")).filter(|p| p.is_file()))
                .ok_or(
                    "wine64 is missing: apt-get install wine64 (scripts/test.sh does when \
                     HOSTUP_TEST_PLATFORMS has windows_amd64)",
                )?;
            bcryptprimitives_for_old_wine(binary.parent().expect("binary dir"))?;
            let mut cmd = Command::new(wine);
            cmd.arg(binary)
                .env("WINEPREFIX", scratch.join("wineprefix"))
                .env("WINEDEBUG", "-all")
                .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
            Ok(Some(cmd))
        }
        // Nothing on this Linux machine runs Mach-O or FreeBSD binaries.
        "darwin_amd64" | "darwin_arm64" | "freebsd_amd64" => Ok(None),
        other => Err(format!("no way to run {other} here")),
    }
}

const PROCESS_PRNG_C: &str = r#"#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
"#;

/// Rust's standard library (1.78 on) takes random numbers from `ProcessPrng` in
/// bcryptprimitives.dll, which every supported Windows has but Wine 8.0 (Debian 12's) lacks: the
/// binary then fails to load with "Library bcryptprimitives.dll ... not found". Where Wine has
/// no such DLL, a stand-in is put beside the binary (Windows and Wine load DLLs from the program's
/// directory first): `ProcessPrng` over `RtlGenRandom` (advapi32's SystemFunction036), compiled
/// with the zig that release.sh uses. Nothing else of the binary is changed.
fn bcryptprimitives_for_old_wine(dir: &Path) -> Result<(), String> {
    let wine_dlls = [
        "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows",
        "/usr/lib/wine/x86_64-windows",
        "/usr/lib64/wine/x86_64-windows",
    ];
    if wine_dlls
        .iter()
        .any(|d| Path::new(d).join("bcryptprimitives.dll").exists())
    {
        return Ok(());
    }
    let source = dir.join("bcryptprimitives.c");
    std::fs::write(&source, PROCESS_PRNG_C).map_err(|e| e.to_string())?;
    let python = repo().join(".tools/pytools/bin/python3");
    let out = Command::new(&python)
        .args([
            "-m",
            "ziglang",
            "cc",
            "-target",
            "x86_64-windows-gnu",
            "-shared",
            "-O2",
        ])
        .arg("-o")
        .arg(dir.join("bcryptprimitives.dll"))
        .arg(&source)
        .arg("-ladvapi32")
        .output()
        .map_err(|e| format!("{}: {e} (scripts/test.sh installs zig)", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "building the bcryptprimitives.dll stand-in failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprintln!("windows_amd64: this Wine has no bcryptprimitives.dll; using a ProcessPrng stand-in");
    Ok(())
}

/// Start `cmd` as Terraform would and return its handshake line (within `timeout`), checked:
/// `1|6|tcp|127.0.0.1:PORT|grpc|...` (core protocol 1, plugin protocol 6, gRPC over TCP on
/// loopback). Errors carry the binary's stderr.
fn handshake(mut cmd: Command, timeout: Duration) -> Result<String, String> {
    cmd.stderr(Stdio::piped());
    let mut started =
        plugin::spawn(&mut cmd, "6").map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let line = started.first_line(timeout);
    started.kill();
    let mut stderr = String::new();
    if let Some(mut e) = started.child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let (line, _) = line.map_err(|e| format!("{e}; stderr:\n{stderr}"))?;
    match plugin::Handshake::parse(&line) {
        Ok(h) if h.is_loopback_grpc(6) => Ok(line),
        _ => Err(format!("not a handshake: {line}")),
    }
}

// ---------------------------------------------------------------------------------------------

fn test_platforms() -> Vec<String> {
    let list = std::env::var("HOSTUP_TEST_PLATFORMS").unwrap_or_else(|_| "linux_arm64".into());
    if list == "all" {
        return ALL.iter().map(|s| s.to_string()).collect();
    }
    let list: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
    for p in &list {
        assert!(
            ALL.contains(&p.as_str()),
            "unknown platform {p} in HOSTUP_TEST_PLATFORMS"
        );
    }
    list
}

#[test]
fn cross_built_zips_hold_the_right_binary_and_it_starts() {
    let platforms = test_platforms();
    let profile = std::env::var("HOSTUP_TEST_PROFILE").unwrap_or_else(|_| "dev".into());
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("release-platforms-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let dist = match std::env::var("HOSTUP_TEST_DIST") {
        // Artefacts built already (the release workflow verifies what it publishes).
        Ok(dir) => repo().join(dir),
        Err(_) => {
            let dist = scratch.join("dist");
            let out = Command::new("bash")
                .arg(repo().join("scripts/release.sh"))
                .args(["--platforms", &platforms.join(","), "--unsigned"])
                .args(["--profile", &profile, "--out"])
                .arg(&dist)
                .env_remove("GPG_KEY_ID")
                .output()
                .expect("run scripts/release.sh");
            let log = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(out.status.success(), "release.sh failed:\n{log}");
            // The build times, for the record (`cargo test -- --nocapture` shows them).
            for line in log.lines().filter(|l| l.starts_with("==> built ")) {
                eprintln!("{line}");
            }
            dist
        }
    };

    let name = format!("terraform-provider-hostup_{}", version());
    let sums = std::fs::read_to_string(dist.join(format!("{name}_SHA256SUMS"))).unwrap();
    let mut problems = Vec::new();
    for platform in &platforms {
        let zip_name = format!("{name}_{platform}.zip");
        assert!(
            sums.contains(&zip_name),
            "{zip_name} not in SHA256SUMS:\n{sums}"
        );
        let exe = if platform.starts_with("windows_") {
            ".exe"
        } else {
            ""
        };
        let entry = format!("terraform-provider-hostup_v{}{exe}", version());
        let dir = scratch.join(platform);
        std::fs::create_dir_all(&dir).unwrap();
        // One entry, the binary; unpacked with Python's zipfile (what release.sh packs with).
        let unzip = Command::new("python3")
            .args([
                "-c",
                "import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(*z.namelist())\nz.extractall(sys.argv[2])",
            ])
            .arg(dist.join(&zip_name))
            .arg(&dir)
            .output()
            .expect("python3");
        let names = String::from_utf8_lossy(&unzip.stdout).trim().to_string();
        if names != entry {
            problems.push(format!("{zip_name} holds [{names}], not [{entry}]"));
            continue;
        }
        let binary = dir.join(&entry);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let bytes = std::fs::read(&binary).unwrap();
        let format = match format_of(&bytes).and_then(|f| check_format(platform, &f).map(|_| f)) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{platform}: {e}"));
                continue;
            }
        };
        match runner(platform, &binary, &dir) {
            Err(e) => problems.push(format!("{platform}: {e}")),
            Ok(None) => eprintln!(
                "{platform}: {format:?}, {} bytes; not started: nothing on this machine runs it",
                bytes.len()
            ),
            Ok(Some(cmd)) => {
                // Wine sets up its prefix on the first start, which takes a while.
                let timeout = Duration::from_secs(if platform.starts_with("windows_") {
                    300
                } else {
                    60
                });
                match handshake(cmd, timeout) {
                    Ok(line) => eprintln!(
                        "{platform}: {format:?}, {} bytes; started, handshake {line}",
                        bytes.len()
                    ),
                    Err(e) => problems.push(format!("{platform}: {e}")),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _ = std::fs::remove_dir_all(&scratch);
}
