//! Which API-key scopes an operation needs, as HostUp's reference names them (two scopes apart
//! for the hosting key operations, which HostUp's HTML pages print run together), for the hint
//! of a 403.

/// The scopes `method` on `path` needs, in words ("the scope `read:vm`"); `None` where HostUp publishes none (the v1
/// routes authenticate with `X-API-Key`, and HostUp does not say how scopes apply to them).
pub fn required(method: &str, path: &str) -> Option<&'static str> {
    // From `api/` on: the endpoint may have a base path of its own.
    let at = path.find("/api/")?;
    let segments: Vec<&str> = path[at + 1..].split('/').collect();
    let write = method != "GET";
    Some(match (segments.as_slice(), write) {
        (["api", "v2", "shared-hosting"], _) => "the scope `read:hosting`",
        (["api", "v2", "shared-hosting", _, "ssh-keys", ..], false) => {
            "the scopes `read:hosting` and `console:services`"
        }
        (["api", "v2", "shared-hosting", _, "ssh-keys", ..], true) => {
            "the scopes `write:hosting` and `console:services`"
        }
        (["api", "v2", "ssh-keys", ..], false) => "the scope `read:vm`",
        (["api", "v2", "ssh-keys", ..], true) => {
            "the scope `write:account` (inferred: HostUp publishes it for the rename)"
        }
        (["api", "v2", "vps", ..], false) => "the scope `read:vm`",
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
            Some("the scopes `read:hosting` and `console:services`")
        );
        assert_eq!(
            required("POST", keys),
            Some("the scopes `write:hosting` and `console:services`")
        );
        let fp = "/base/api/v2/shared-hosting/acct_1/ssh-keys/SHA256%3Ax/actions/authorize";
        assert_eq!(
            required("POST", fp),
            Some("the scopes `write:hosting` and `console:services`")
        );
        assert_eq!(
            required("GET", "/api/v2/shared-hosting"),
            Some("the scope `read:hosting`")
        );
        assert_eq!(
            required("GET", "/api/v2/ssh-keys"),
            Some("the scope `read:vm`")
        );
        assert_eq!(required("POST", "/api/ssh-keys"), None);
        assert_eq!(required("POST", "/api/vm/1/reset-ssh-keys"), None);
    }
}
