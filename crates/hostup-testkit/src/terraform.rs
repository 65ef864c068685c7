//! Finding the Terraform (or OpenTofu) CLI to drive: `TF_ACC_TERRAFORM_PATH` (the variable
//! Terraform's own acceptance-test framework reads), else `terraform`, else `tofu` on `PATH`.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The variable naming the CLI binary.
pub const PATH_VAR: &str = "TF_ACC_TERRAFORM_PATH";

/// The CLI to drive, or why there is none. A `TF_ACC_TERRAFORM_PATH` that names no file is an
/// error, not a reason to fall back to `PATH`: the caller asked for that binary.
pub fn find_cli() -> Result<PathBuf, String> {
    find_cli_in(
        std::env::var_os(PATH_VAR).as_deref(),
        std::env::var_os("PATH").as_deref(),
    )
}

/// [`find_cli`] with the two variables given (testable without touching the environment).
pub fn find_cli_in(explicit: Option<&OsStr>, path: Option<&OsStr>) -> Result<PathBuf, String> {
    if let Some(p) = explicit.filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("{PATH_VAR}={} is not a file", p.display()))
        };
    }
    ["terraform", "tofu"]
        .iter()
        .find_map(|name| which_in(name, path))
        .ok_or_else(|| {
            format!("no Terraform CLI: no `terraform` or `tofu` on PATH, and {PATH_VAR} is not set")
        })
}

/// The first file called `name` in the directories of `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    which_in(name, std::env::var_os("PATH").as_deref())
}

fn which_in(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path.unwrap_or(&OsString::new()))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// `dirs` joined as a `PATH` value.
    fn path_of(dirs: &[&Path]) -> OsString {
        std::env::join_paths(dirs).expect("no separator in the test paths")
    }

    #[test]
    fn explicit_then_terraform_then_tofu() {
        let base = std::env::temp_dir().join(format!("hostup-testkit-{}", std::process::id()));
        let (a, b) = (base.join("a"), base.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("tofu"), "").unwrap();
        let path = path_of(&[&a, &b]);
        let path = Some(path.as_os_str());

        assert_eq!(find_cli_in(None, path), Ok(b.join("tofu")));
        std::fs::write(b.join("terraform"), "").unwrap();
        assert_eq!(find_cli_in(None, path), Ok(b.join("terraform")));
        std::fs::write(a.join("tofu"), "").unwrap();
        assert_eq!(
            find_cli_in(None, path),
            Ok(b.join("terraform")),
            "terraform first"
        );
        assert_eq!(
            find_cli_in(Some(OsStr::new("")), path),
            Ok(b.join("terraform"))
        );

        let explicit = a.join("tofu");
        assert_eq!(find_cli_in(Some(explicit.as_os_str()), path), Ok(explicit));
        let missing = a.join("missing");
        let err = find_cli_in(Some(missing.as_os_str()), path).unwrap_err();
        assert!(
            err.contains("TF_ACC_TERRAFORM_PATH=") && err.contains("not a file"),
            "{err}"
        );
        // A directory called terraform is not a CLI.
        std::fs::create_dir_all(base.join("terraform")).unwrap();
        let err = find_cli_in(None, Some(path_of(&[&base]).as_os_str())).unwrap_err();
        assert!(err.contains("no Terraform CLI"), "{err}");
        assert!(find_cli_in(None, None).is_err());
        let _ = std::fs::remove_dir_all(&base);
    }
}
