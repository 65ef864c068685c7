//! Executable formats, for tests/release_platforms.rs: ELF (machine, program interpreter, the
//! glibc versions it needs), Mach-O (CPU, ad-hoc code signature checked page by page) and PE32+,
//! and which of them each Terraform platform needs. The headers are read with the `object` crate;
//! only the code signature is read here, as `object` does not parse it.

use object::read::elf::{FileHeader as _, ProgramHeader as _};
use object::read::macho::MachHeader as _;
use object::read::pe::ImageNtHeaders as _;
use object::{elf, macho, pe, Endianness, FileKind, LittleEndian as LE};

#[derive(Debug, PartialEq, Eq)]
pub enum Format {
    /// ELF64 little-endian executable: machine, program interpreter (the dynamic loader, which
    /// tells Linux from FreeBSD), highest GLIBC_2.x version it needs.
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

pub fn format_of(b: &[u8]) -> Result<Format, String> {
    let unknown = || format!("unknown format, starts with {:02x?}", &b[..b.len().min(8)]);
    match FileKind::parse(b).map_err(|_| unknown())? {
        FileKind::Elf64 => elf_format(b).map_err(|e| format!("ELF: {e}")),
        FileKind::MachO64 => macho_format(b).map_err(|e| format!("Mach-O: {e}")),
        FileKind::Pe64 => pe_format(b).map_err(|e| format!("PE: {e}")),
        FileKind::Elf32 => Err("ELF, but not 64-bit".into()),
        FileKind::Pe32 => Err("PE, but not PE32+".into()),
        other => Err(format!(
            "{other:?} is not an ELF64, Mach-O 64 or PE32+ executable"
        )),
    }
}

fn elf_format(b: &[u8]) -> Result<Format, String> {
    let h = elf::FileHeader64::<Endianness>::parse(b).map_err(|e| e.to_string())?;
    let e = h.endian().map_err(|e| e.to_string())?;
    if e != Endianness::Little {
        return Err("not little-endian".into());
    }
    let kind = h.e_type(e);
    if kind != elf::ET_EXEC && kind != elf::ET_DYN {
        return Err(format!("type {kind:?} is not an executable"));
    }
    let machine = match h.e_machine(e) {
        elf::EM_X86_64 => "x86-64",
        elf::EM_AARCH64 => "aarch64",
        other => return Err(format!("machine {other:?}")),
    };
    let mut interpreter = None;
    for ph in h.program_headers(e, b).map_err(|e| e.to_string())? {
        if let Some(path) = ph.interpreter(e, b).map_err(|e| e.to_string())? {
            interpreter = Some(String::from_utf8_lossy(path).into_owned());
        }
    }
    Ok(Format::Elf {
        machine,
        interpreter,
        glibc: max_glibc(h, e, b).map_err(|e| e.to_string())?,
    })
}

/// The highest `GLIBC_2.N[.M]` among the binary's symbol version requirements (SHT_GNU_VERNEED),
/// as `(2, N)`: the oldest glibc that can load it.
fn max_glibc(
    h: &elf::FileHeader64<Endianness>,
    e: Endianness,
    b: &[u8],
) -> object::Result<Option<(u32, u32)>> {
    let sections = h.sections(e, b)?;
    let Some((mut needs, strtab)) = sections.gnu_verneed(e, b)? else {
        return Ok(None);
    };
    let strings = sections.strings(e, b, strtab)?;
    let mut max = None;
    while let Some((_, mut versions)) = needs.next()? {
        while let Some(v) = versions.next()? {
            let minor = v
                .name(e, strings)?
                .strip_prefix(b"GLIBC_2.")
                .and_then(|rest| {
                    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
                });
            max = max.max(minor.map(|m| (2, m)));
        }
    }
    Ok(max)
}

fn macho_format(b: &[u8]) -> Result<Format, String> {
    let h = macho::MachHeader64::<Endianness>::parse(b, 0).map_err(|e| e.to_string())?;
    let e = h.endian().map_err(|e| e.to_string())?;
    if h.filetype(e) != macho::MH_EXECUTE {
        return Err(format!("file type {:?} is not MH_EXECUTE", h.filetype(e)));
    }
    let cpu = match h.cputype(e) {
        macho::CPU_TYPE_X86_64 => "x86_64",
        macho::CPU_TYPE_ARM64 => "arm64",
        other => return Err(format!("cpu type {other:?}")),
    };
    let mut signature = None;
    let mut commands = h.load_commands(e, b, 0).map_err(|e| e.to_string())?;
    while let Some(c) = commands.next().map_err(|e| e.to_string())? {
        if c.cmd() == macho::LC_CODE_SIGNATURE {
            let lc = c
                .data::<macho::LinkeditDataCommand<Endianness>>()
                .map_err(|e| e.to_string())?;
            signature = Some((lc.dataoff.get(e) as usize, lc.datasize.get(e) as usize));
        }
    }
    let signed = match signature {
        Some((off, len)) => {
            check_code_signature(b, off, len).map_err(|e| format!("code signature: {e}"))?;
            true
        }
        None => false,
    };
    Ok(Format::MachO { cpu, signed })
}

fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The code signature at `off..off + len` (a big-endian SuperBlob): an error unless its
/// CodeDirectory's SHA-256 page hashes match the file. macOS on Apple Silicon refuses to run
/// arm64 code without a valid signature; an ad-hoc one (as the linker makes) is enough.
fn check_code_signature(b: &[u8], off: usize, len: usize) -> Result<(), String> {
    let sb = b.get(off..off + len).ok_or("outside the file")?;
    if u32_be(sb, 0) != Some(0xfade_0cc0) {
        return Err("no SuperBlob".into());
    }
    for i in 0..u32_be(sb, 8).unwrap_or(0) as usize {
        let blob_at = u32_be(sb, 16 + 8 * i).ok_or("truncated index")? as usize;
        if u32_be(sb, blob_at) != Some(0xfade_0c02) {
            continue; // not the CodeDirectory
        }
        let cd = sb.get(blob_at..).unwrap_or_default();
        let head = cd.get(..40).ok_or("truncated CodeDirectory")?;
        let field = |at: usize| u32_be(head, at).unwrap_or_default() as usize;
        let (hash_offset, n_code, code_limit) = (field(16), field(28), field(32));
        let (hash_size, hash_type, page_shift) = (head[36] as usize, head[37], head[39]);
        if hash_type != 2 || hash_size != 32 {
            return Err(format!("hash type {hash_type}, not SHA-256"));
        }
        let page = 1usize << page_shift;
        for k in 0..n_code {
            let end = ((k + 1) * page).min(code_limit);
            let data = b.get(k * page..end).ok_or("code limit past the end")?;
            let want = cd
                .get(hash_offset + k * 32..hash_offset + (k + 1) * 32)
                .ok_or("truncated hashes")?;
            if ring::digest::digest(&ring::digest::SHA256, data).as_ref() != want {
                return Err(format!("page {k} does not match its hash"));
            }
        }
        return Ok(());
    }
    Err("no CodeDirectory".into())
}

fn pe_format(b: &[u8]) -> Result<Format, String> {
    let dos = pe::ImageDosHeader::parse(b).map_err(|e| e.to_string())?;
    let mut at = dos.nt_headers_offset().into();
    let (nt, _) = pe::ImageNtHeaders64::parse(b, &mut at).map_err(|e| e.to_string())?;
    let header = nt.file_header();
    let machine = match header.machine.get(LE) {
        pe::IMAGE_FILE_MACHINE_AMD64 => "x86-64",
        pe::IMAGE_FILE_MACHINE_ARM64 => "arm64",
        other => return Err(format!("machine {other:?}")),
    };
    // An .exe: IMAGE_FILE_EXECUTABLE_IMAGE, and not a DLL.
    let flags = header.characteristics.get(LE).0;
    if flags & pe::IMAGE_FILE_EXECUTABLE_IMAGE.0 == 0 || flags & pe::IMAGE_FILE_DLL.0 != 0 {
        return Err(format!("characteristics {flags:#x}: not an .exe"));
    }
    Ok(Format::Pe32Plus { machine })
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

#[cfg(test)]
mod tests;
