//! Executable formats read from their headers, for tests/release_platforms.rs: ELF (machine,
//! program interpreter, the glibc versions it needs), Mach-O (CPU, ad-hoc code signature checked page by page)
//! and PE32+, and which of them each Terraform platform needs.

#[derive(Debug, PartialEq, Eq)]
pub enum Format {
    /// ELF64 little-endian executable: machine, program interpreter (the dynamic loader, which
    /// tells Linux from FreeBSD), highest GLIBC_2.x symbol version.
    Elf {
        machine: &'static str,
        interpreter: Option<String>,
        glibc: Option<(u32, u32)>,
    },
    /// Mach-O 64-bit executable; `signed`: whether it carries an ad-hoc code signature whose
    /// page hashes match the file.
    MachO { cpu: &'static str, signed: bool },
    /// PE32+ (64-bit) image.
    Pe32Plus { machine: &'static str },
}

fn u16_le(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_le(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?)).ok()
}

/// The path in an ELF64 file's PT_INTERP program header, if it has one.
fn elf_interpreter(b: &[u8]) -> Option<String> {
    let (phoff, phentsize, phnum) = (u64_le(b, 32)?, u16_le(b, 54)? as usize, u16_le(b, 56)?);
    (0..phnum as usize).find_map(|i| {
        let ph = phoff + i * phentsize;
        if u32_le(b, ph)? != 3 {
            return None;
        }
        let (off, size) = (u64_le(b, ph + 8)?, u64_le(b, ph + 32)?);
        let path = b.get(off..off + size)?;
        Some(
            String::from_utf8_lossy(path)
                .trim_end_matches('\0')
                .to_string(),
        )
    })
}

/// The highest `GLIBC_2.N[.M]` version named in the binary (its symbol version requirements).
fn max_glibc(b: &[u8]) -> Option<(u32, u32)> {
    let needle = b"GLIBC_2.";
    b.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .filter_map(|(i, _)| {
            let digits: String = b[i + needle.len()..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .map(|&c| c as char)
                .collect();
            digits.parse().ok().map(|minor| (2, minor))
        })
        .max()
}

pub fn format_of(b: &[u8]) -> Result<Format, String> {
    if b.starts_with(b"\x7fELF") {
        if b.get(4) != Some(&2) || b.get(5) != Some(&1) {
            return Err("ELF, but not 64-bit little-endian".into());
        }
        if u16_le(b, 16) != Some(2) && u16_le(b, 16) != Some(3) {
            return Err(format!("ELF type {:?} is not an executable", u16_le(b, 16)));
        }
        let machine = match u16_le(b, 18) {
            Some(0x3e) => "x86-64",
            Some(0xb7) => "aarch64",
            other => return Err(format!("ELF machine {other:?}")),
        };
        return Ok(Format::Elf {
            machine,
            interpreter: elf_interpreter(b),
            glibc: max_glibc(b),
        });
    }
    if b.starts_with(&[0xcf, 0xfa, 0xed, 0xfe]) {
        if u32_le(b, 12) != Some(2) {
            return Err(format!(
                "Mach-O file type {:?} is not MH_EXECUTE",
                u32_le(b, 12)
            ));
        }
        let cpu = match u32_le(b, 4) {
            Some(0x0100_0007) => "x86_64",
            Some(0x0100_000c) => "arm64",
            other => return Err(format!("Mach-O cpu type {other:x?}")),
        };
        return Ok(Format::MachO {
            cpu,
            signed: macho_signature(b)?,
        });
    }
    if b.starts_with(b"MZ") {
        let pe = u32_le(b, 0x3c).ok_or("truncated DOS header")? as usize;
        if b.get(pe..pe + 4) != Some(b"PE\0\0") {
            return Err("MZ without a PE signature".into());
        }
        let machine = match u16_le(b, pe + 4) {
            Some(0x8664) => "x86-64",
            Some(0xaa64) => "arm64",
            other => return Err(format!("PE machine {other:x?}")),
        };
        // The optional header follows the 20-byte COFF header; 0x20b marks PE32+.
        if u16_le(b, pe + 24) != Some(0x20b) {
            return Err("PE, but not PE32+".into());
        }
        // IMAGE_FILE_EXECUTABLE_IMAGE, and not a DLL.
        let characteristics = u16_le(b, pe + 22).unwrap_or(0);
        if characteristics & 0x0002 == 0 || characteristics & 0x2000 != 0 {
            return Err(format!(
                "PE characteristics {characteristics:#x}: not an .exe"
            ));
        }
        return Ok(Format::Pe32Plus { machine });
    }
    Err(format!(
        "unknown format, starts with {:02x?}",
        &b[..b.len().min(8)]
    ))
}

fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Whether a Mach-O file has a code signature (LC_CODE_SIGNATURE); an error if it has one whose
/// code directory's SHA-256 page hashes do not match the file. macOS on Apple Silicon refuses to
/// run arm64 code without a valid signature; an ad-hoc one (as the linker makes) is enough.
fn macho_signature(b: &[u8]) -> Result<bool, String> {
    let bad = |what: &str| format!("Mach-O code signature: {what}");
    let ncmds = u32_le(b, 16).ok_or_else(|| bad("truncated header"))?;
    let mut at = 32;
    let mut blob = None;
    for _ in 0..ncmds {
        let (cmd, size) = (u32_le(b, at), u32_le(b, at + 4));
        let (Some(cmd), Some(size)) = (cmd, size) else {
            return Err(bad("truncated load commands"));
        };
        if cmd == 0x1d {
            // LC_CODE_SIGNATURE: data offset and size of the SuperBlob.
            blob = Some((u32_le(b, at + 8), u32_le(b, at + 12)));
        }
        at += size as usize;
    }
    let Some((Some(off), Some(len))) = blob else {
        return Ok(false);
    };
    let sb = b
        .get(off as usize..(off + len) as usize)
        .ok_or_else(|| bad("outside the file"))?;
    if u32_be(sb, 0) != Some(0xfade_0cc0) {
        return Err(bad("no SuperBlob"));
    }
    for i in 0..u32_be(sb, 8).unwrap_or(0) as usize {
        let Some(blob_at) = u32_be(sb, 16 + 8 * i).map(|o| o as usize) else {
            return Err(bad("truncated index"));
        };
        if u32_be(sb, blob_at) != Some(0xfade_0c02) {
            continue; // not the CodeDirectory
        }
        let cd = sb.get(blob_at..).unwrap_or_default();
        let head = cd.get(..40).ok_or_else(|| bad("truncated CodeDirectory"))?;
        let field = |at: usize| u32_be(head, at).unwrap_or_default();
        let (hash_offset, n_code, code_limit) = (field(16) as usize, field(28), field(32));
        let (hash_size, hash_type, page_shift) = (head[36] as usize, head[37], head[39]);
        if hash_type != 2 || hash_size != 32 {
            return Err(bad(&format!("hash type {hash_type}, not SHA-256")));
        }
        let page = 1usize << page_shift;
        for k in 0..n_code as usize {
            let end = ((k + 1) * page).min(code_limit as usize);
            let data = b
                .get(k * page..end)
                .ok_or_else(|| bad("code limit past the end"))?;
            let want = cd
                .get(hash_offset + k * 32..hash_offset + (k + 1) * 32)
                .ok_or_else(|| bad("truncated hashes"))?;
            if ring::digest::digest(&ring::digest::SHA256, data).as_ref() != want {
                return Err(bad(&format!("page {k} does not match its hash")));
            }
        }
        return Ok(true);
    }
    Err(bad("no CodeDirectory"))
}

/// Whether `f` is what `platform`'s binary must be.
pub fn check_format(platform: &str, f: &Format) -> Result<(), String> {
    let glibc_ok = |g: &Option<(u32, u32)>| match g {
        Some(v) if *v <= (2, 17) => Ok(()),
        Some(v) => Err(format!("needs glibc {}.{} (at most 2.17 wanted)", v.0, v.1)),
        None => Err("names no GLIBC_2.x version: not a glibc binary".to_string()),
    };
    let elf = |machine: &str, loader: &str| match f {
        Format::Elf {
            machine: m,
            interpreter: Some(i),
            ..
        } => *m == machine && i == loader,
        _ => false,
    };
    match (platform, f) {
        ("linux_amd64", Format::Elf { glibc, .. })
            if elf("x86-64", "/lib64/ld-linux-x86-64.so.2") =>
        {
            glibc_ok(glibc)
        }
        ("linux_arm64", Format::Elf { glibc, .. })
            if elf("aarch64", "/lib/ld-linux-aarch64.so.1") =>
        {
            glibc_ok(glibc)
        }
        ("freebsd_amd64", _) if elf("x86-64", "/libexec/ld-elf.so.1") => Ok(()),
        ("darwin_amd64", Format::MachO { cpu: "x86_64", .. })
        | (
            "darwin_arm64",
            Format::MachO {
                cpu: "arm64",
                signed: true,
            },
        )
        | ("windows_amd64", Format::Pe32Plus { machine: "x86-64" }) => Ok(()),
        _ => Err(format!("{f:?} is not a {platform} executable")),
    }
}

fn macho(cpu: u32, sign: bool) -> Vec<u8> {
    let mut b = vec![0u8; 4096];
    b[..4].copy_from_slice(&[0xcf, 0xfa, 0xed, 0xfe]);
    b[4..8].copy_from_slice(&cpu.to_le_bytes());
    b[12..16].copy_from_slice(&2u32.to_le_bytes()); // MH_EXECUTE
    if !sign {
        return b;
    }
    b[16..20].copy_from_slice(&1u32.to_le_bytes()); // one load command
    let (sb_len, cd_len) = (20 + 48 + 32, 48 + 32);
    let mut lc = Vec::new();
    lc.extend_from_slice(&0x1du32.to_le_bytes());
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

/// A minimal ELF64 executable for `machine` with a PT_INTERP of `interp`, followed by `extra`.
fn elf(machine: u16, interp: &str, extra: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 64 + 56];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 2; // 64-bit
    b[5] = 1; // little-endian
    b[16] = 3; // ET_DYN (PIE)
    b[18..20].copy_from_slice(&machine.to_le_bytes());
    b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    b[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    b[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
    b[64..68].copy_from_slice(&3u32.to_le_bytes()); // PT_INTERP
    b[72..80].copy_from_slice(&120u64.to_le_bytes()); // p_offset
    b[96..104].copy_from_slice(&(interp.len() as u64 + 1).to_le_bytes()); // p_filesz
    b.extend_from_slice(interp.as_bytes());
    b.push(0);
    b.extend_from_slice(extra);
    b
}

/// The format checks themselves, on headers made here: each mismatch is reported.
#[test]
fn format_checks_reject_the_wrong_binary() {
    let arm = elf(
        0xb7,
        "/lib/ld-linux-aarch64.so.1",
        b"\0GLIBC_2.17\0GLIBC_2.3\0",
    );
    let f = format_of(&arm).unwrap();
    assert_eq!(check_format("linux_arm64", &f), Ok(()));
    assert!(check_format("linux_amd64", &f).is_err());
    assert!(check_format("freebsd_amd64", &f).is_err());
    let too_new = elf(0xb7, "/lib/ld-linux-aarch64.so.1", b"\0GLIBC_2.34\0");
    let err = check_format("linux_arm64", &format_of(&too_new).unwrap()).unwrap_err();
    assert!(err.contains("2.34"), "{err}");
    let no_glibc = elf(0xb7, "/lib/ld-linux-aarch64.so.1", b"");
    assert!(check_format("linux_arm64", &format_of(&no_glibc).unwrap()).is_err());
    let amd = elf(0x3e, "/lib64/ld-linux-x86-64.so.2", b"\0GLIBC_2.2.5\0");
    assert_eq!(
        check_format("linux_amd64", &format_of(&amd).unwrap()),
        Ok(())
    );
    let bsd = elf(0x3e, "/libexec/ld-elf.so.1", b"");
    let f = format_of(&bsd).unwrap();
    assert_eq!(check_format("freebsd_amd64", &f), Ok(()));
    assert!(check_format("linux_amd64", &f).is_err());

    let unsigned = macho(0x0100_000c, false);
    let f = format_of(&unsigned).unwrap();
    assert!(
        check_format("darwin_arm64", &f).is_err(),
        "unsigned arm64 taken"
    );
    assert!(check_format("darwin_amd64", &f).is_err());
    let signed = macho(0x0100_000c, true);
    assert_eq!(
        check_format("darwin_arm64", &format_of(&signed).unwrap()),
        Ok(())
    );
    let mut tampered = signed.clone();
    tampered[100] ^= 1;
    let err = format_of(&tampered).unwrap_err();
    assert!(err.contains("page 0"), "{err}");
    let f = format_of(&macho(0x0100_0007, false)).unwrap();
    assert_eq!(check_format("darwin_amd64", &f), Ok(()));

    let mut pe = vec![0u8; 0x100];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
    pe[0x80..0x84].copy_from_slice(b"PE\0\0");
    pe[0x84..0x86].copy_from_slice(&0x8664u16.to_le_bytes());
    pe[0x96..0x98].copy_from_slice(&0x0022u16.to_le_bytes());
    pe[0x98..0x9a].copy_from_slice(&0x20bu16.to_le_bytes());
    let f = format_of(&pe).unwrap();
    assert_eq!(check_format("windows_amd64", &f), Ok(()));
    pe[0x98..0x9a].copy_from_slice(&0x10bu16.to_le_bytes());
    assert!(format_of(&pe).is_err(), "PE32 taken for PE32+");

    assert!(format_of(b"#!/bin/sh\n").is_err());
}
