//! Which API-key scopes an operation needs, as HostUp's reference names them (two scopes apart
//! for the hosting key operations, which HostUp's HTML pages print run together), for the hint
//! of a 403.

/// The scopes `method` on `path` needs, in words; `None` where HostUp publishes none (the v1
/// routes authenticate with `X-API-Key`, and HostUp does not say how scopes apply to them).
pub fn required(method: &str, path: &str) -> Option<&'static str> {
    // From `api/` on: the endpoint may have a base path of its own.
    let at = path.find("/api/")?;
    let segments: Vec<&str> = path[at + 1..].split('/').collect();
    let write = method != "GET";
    Some(match (segments.as_slice(), write) {
        (["api", "v2", "shared-hosting"], _) => "`read:hosting`",
        (["api", "v2", "shared-hosting", _, "ssh-keys", ..], false) => {
            "`read:hosting` and `console:services`"
        }
        (["api", "v2", "shared-hosting", _, "ssh-keys", ..], true) => {
            "`write:hosting` and `console:services`"
        }
        (["api", "v2", "ssh-keys", ..], false) => "`read:vm`",
        (["api", "v2", "ssh-keys", ..], true) => {
            "`write:account` (inferred: HostUp publishes it for the rename)"
        }
        (["api", "v2", "vps", ..], false) => "`read:vm`",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::required;

    #[test]
    fn scopes_by_operation() {
        let keys = "/api/v2/shared-hosting/acct_1/ssh-keys";
        assert_eq!(
            required("GET", keys),
            Some("`read:hosting` and `console:services`")
        );
        assert_eq!(
            required("POST", keys),
            Some("`write:hosting` and `console:services`")
        );
        let fp = "/base/api/v2/shared-hosting/acct_1/ssh-keys/SHA256%3Ax/actions/authorize";
        assert_eq!(
            required("POST", fp),
            Some("`write:hosting` and `console:services`")
        );
        assert_eq!(
            required("GET", "/api/v2/shared-hosting"),
            Some("`read:hosting`")
        );
        assert_eq!(required("GET", "/api/v2/ssh-keys"), Some("`read:vm`"));
        assert_eq!(required("POST", "/api/ssh-keys"), None);
        assert_eq!(required("POST", "/api/vm/1/reset-ssh-keys"), None);
    }
}
