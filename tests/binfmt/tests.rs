//! The format reader on binaries that exist on any build machine (the provider cargo built for
//! this host, this test binary) and on minimal headers made here, and the platform table on
//! formats written out.

use super::*;

/// The host's platform, its ELF machine and loader (the machines CI and developers use).
fn host() -> (&'static str, &'static str, &'static str) {
    match std::env::consts::ARCH {
        "x86_64" => ("linux_amd64", "x86-64", "/lib64/ld-linux-x86-64.so.2"),
        "aarch64" => ("linux_arm64", "aarch64", "/lib/ld-linux-aarch64.so.1"),
        other => panic!("no expectations for a {other} build machine"),
    }
}

/// The highest `GLIBC_2.N` anywhere in the file: a crude cross-check of the version table.
/// (`split` on the NUL bytes, which end every ELF string, keeps it fast in a debug build.)
fn glibc_named_anywhere(b: &[u8]) -> Option<(u32, u32)> {
    b.split(|&c| c == 0)
        .filter_map(|s| s.strip_prefix(b"GLIBC_2."))
        .filter_map(|rest| {
            let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
        })
        .map(|minor| (2, minor))
        .max()
}

#[test]
fn reads_the_provider_built_for_this_host() {
    let (platform, machine, loader) = host();
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_terraform-provider-hostup")).unwrap();
    let f = format_of(&bytes).unwrap();
    let Format::Elf {
        machine: m,
        interpreter,
        glibc,
    } = &f
    else {
        panic!("not ELF: {f:?}");
    };
    assert_eq!((*m, interpreter.as_deref()), (machine, Some(loader)));
    assert!(glibc.is_some(), "a glibc binary: {f:?}");
    assert_eq!(*glibc, glibc_named_anywhere(&bytes));
    // A host build links against the host's glibc, usually newer than 2.17.
    match check_format(platform, &f) {
        Ok(()) => assert!(glibc.unwrap() <= (2, 17)),
        Err(e) => assert!(e.contains("needs glibc"), "{e}"),
    }
    assert!(check_format("freebsd_amd64", &f).is_err());

    let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    assert!(matches!(format_of(&me), Ok(Format::Elf { machine: m, .. }) if m == machine));
}

/// The platform table, on formats written out.
#[test]
fn format_checks_reject_the_wrong_binary() {
    let elf = |machine, loader: &str, glibc| Format::Elf {
        machine,
        interpreter: Some(loader.to_string()),
        glibc,
    };
    let arm = elf("aarch64", "/lib/ld-linux-aarch64.so.1", Some((2, 17)));
    assert_eq!(check_format("linux_arm64", &arm), Ok(()));
    assert!(check_format("linux_amd64", &arm).is_err());
    assert!(check_format("freebsd_amd64", &arm).is_err());
    let too_new = elf("aarch64", "/lib/ld-linux-aarch64.so.1", Some((2, 34)));
    let err = check_format("linux_arm64", &too_new).unwrap_err();
    assert!(err.contains("2.34"), "{err}");
    let no_glibc = elf("aarch64", "/lib/ld-linux-aarch64.so.1", None);
    assert!(check_format("linux_arm64", &no_glibc).is_err());
    let amd = elf("x86-64", "/lib64/ld-linux-x86-64.so.2", Some((2, 2)));
    assert_eq!(check_format("linux_amd64", &amd), Ok(()));
    let bsd = elf("x86-64", "/libexec/ld-elf.so.1", None);
    assert_eq!(check_format("freebsd_amd64", &bsd), Ok(()));
    assert!(check_format("linux_amd64", &bsd).is_err());

    let unsigned = Format::MachO {
        cpu: "arm64",
        signed: false,
    };
    assert!(
        check_format("darwin_arm64", &unsigned).is_err(),
        "unsigned arm64 taken"
    );
    assert!(check_format("darwin_amd64", &unsigned).is_err());
    let signed = Format::MachO {
        cpu: "arm64",
        signed: true,
    };
    assert_eq!(check_format("darwin_arm64", &signed), Ok(()));
    let intel = Format::MachO {
        cpu: "x86_64",
        signed: false,
    };
    assert_eq!(check_format("darwin_amd64", &intel), Ok(()));
    let exe = Format::Pe32Plus { machine: "x86-64" };
    assert_eq!(check_format("windows_amd64", &exe), Ok(()));
    assert!(check_format("windows_amd64", &Format::Pe32Plus { machine: "arm64" }).is_err());
}

/// A minimal ELF64 executable for `machine` with a PT_INTERP of `interp` (no sections, so no
/// version requirements).
fn elf(machine: u16, interp: &str) -> Vec<u8> {
    let mut b = vec![0u8; 64 + 56];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 2; // 64-bit
    b[5] = 1; // little-endian
    b[6] = 1; // EV_CURRENT
    b[16] = 3; // ET_DYN (PIE)
    b[18..20].copy_from_slice(&machine.to_le_bytes());
    b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    b[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    b[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    b[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
    b[64..68].copy_from_slice(&3u32.to_le_bytes()); // PT_INTERP
    b[72..80].copy_from_slice(&120u64.to_le_bytes()); // p_offset
    b[96..104].copy_from_slice(&(interp.len() as u64 + 1).to_le_bytes()); // p_filesz
    b.extend_from_slice(interp.as_bytes());
    b.push(0);
    b
}

/// A minimal Mach-O executable for `cpu`: one page of "code", with an ad-hoc code signature
/// (one SHA-256 page hash) when `sign`.
fn macho(cpu: u32, sign: bool) -> Vec<u8> {
    let mut b = vec![0u8; 4096];
    b[..4].copy_from_slice(&[0xcf, 0xfa, 0xed, 0xfe]);
    b[4..8].copy_from_slice(&cpu.to_le_bytes());
    b[12..16].copy_from_slice(&2u32.to_le_bytes()); // MH_EXECUTE
    if !sign {
        return b;
    }
    b[16..20].copy_from_slice(&1u32.to_le_bytes()); // one load command
    b[20..24].copy_from_slice(&16u32.to_le_bytes()); // of 16 bytes
    let (sb_len, cd_len) = (20 + 48 + 32, 48 + 32);
    let mut lc = Vec::new();
    lc.extend_from_slice(&0x1du32.to_le_bytes()); // LC_CODE_SIGNATURE
    lc.extend_from_slice(&16u32.to_le_bytes());
    lc.extend_from_slice(&4096u32.to_le_bytes());
    lc.extend_from_slice(&(sb_len as u32).to_le_bytes());
    b[32..48].copy_from_slice(&lc);
    // The load command is inside the hashed page.
    let page_hash = ring::digest::digest(&ring::digest::SHA256, &b);
    let mut sb = Vec::new();
    for v in [0xfade_0cc0u32, sb_len as u32, 1, 0, 20] {
        sb.extend_from_slice(&v.to_be_bytes());
    }
    // CodeDirectory: magic, length, version, flags, hashOffset, identOffset, nSpecialSlots,
    // nCodeSlots, codeLimit, then hashSize, hashType, platform, pageSize (log2).
    for v in [
        0xfade_0c02u32,
        cd_len as u32,
        0x20400,
        0x2,
        48,
        0,
        0,
        1,
        4096,
    ] {
        sb.extend_from_slice(&v.to_be_bytes());
    }
    sb.extend_from_slice(&[32, 2, 0, 12]);
    sb.extend_from_slice(&[0; 8]);
    sb.extend_from_slice(page_hash.as_ref());
    b.extend_from_slice(&sb);
    b
}

/// A minimal PE32+ image: DOS header, PE signature, COFF header, a bare optional header.
fn pe(machine: u16, characteristics: u16) -> Vec<u8> {
    let mut b = vec![0u8; 0x200];
    b[..2].copy_from_slice(b"MZ");
    b[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
    b[0x80..0x84].copy_from_slice(b"PE\0\0");
    b[0x84..0x86].copy_from_slice(&machine.to_le_bytes());
    b[0x94..0x96].copy_from_slice(&112u16.to_le_bytes()); // SizeOfOptionalHeader, no directories
    b[0x96..0x98].copy_from_slice(&characteristics.to_le_bytes());
    b[0x98..0x9a].copy_from_slice(&0x20bu16.to_le_bytes()); // PE32+
    b
}

/// Headers made here read as what they are, and each wrong one is refused with a reason.
#[test]
fn format_of_minimal_headers() {
    let arm = format_of(&elf(0xb7, "/lib/ld-linux-aarch64.so.1")).unwrap();
    let want = Format::Elf {
        machine: "aarch64",
        interpreter: Some("/lib/ld-linux-aarch64.so.1".into()),
        glibc: None,
    };
    assert_eq!(arm, want);
    let bsd = format_of(&elf(0x3e, "/libexec/ld-elf.so.1")).unwrap();
    assert_eq!(check_format("freebsd_amd64", &bsd), Ok(()));
    let err = format_of(&elf(0x28, "/lib/ld-linux.so.3")).unwrap_err();
    assert!(err.contains("machine"), "{err}");
    let mut object_file = elf(0x3e, "/lib64/ld-linux-x86-64.so.2");
    object_file[16] = 1; // ET_REL
    assert!(format_of(&object_file)
        .unwrap_err()
        .contains("not an executable"));
    let mut elf32 = elf(0x3e, "/lib64/ld-linux-x86-64.so.2");
    elf32[4] = 1;
    assert!(format_of(&elf32).is_err());

    let unsigned = format_of(&macho(0x0100_000c, false)).unwrap();
    assert_eq!(
        unsigned,
        Format::MachO {
            cpu: "arm64",
            signed: false
        }
    );
    let signed = macho(0x0100_000c, true);
    let f = format_of(&signed).unwrap();
    assert_eq!(check_format("darwin_arm64", &f), Ok(()));
    let mut tampered = signed.clone();
    tampered[100] ^= 1;
    let err = format_of(&tampered).unwrap_err();
    assert!(err.contains("page 0"), "{err}");
    let f = format_of(&macho(0x0100_0007, false)).unwrap();
    assert_eq!(check_format("darwin_amd64", &f), Ok(()));
    let mut dylib = macho(0x0100_0007, false);
    dylib[12] = 6; // MH_DYLIB
    assert!(format_of(&dylib).unwrap_err().contains("MH_EXECUTE"));

    let f = format_of(&pe(0x8664, 0x0022)).unwrap();
    assert_eq!(check_format("windows_amd64", &f), Ok(()));
    let dll = format_of(&pe(0x8664, 0x2022)).unwrap_err();
    assert!(dll.contains("not an .exe"), "{dll}");
    let mut pe32 = pe(0x8664, 0x0022);
    pe32[0x98..0x9a].copy_from_slice(&0x10bu16.to_le_bytes());
    assert!(format_of(&pe32).is_err(), "PE32 taken for PE32+");

    assert!(format_of(b"#!/bin/sh\n").is_err());
}
