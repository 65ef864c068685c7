//! Where the API is: the default endpoint and the check of a user-given one.

use reqwest::Url;

pub const DEFAULT_ENDPOINT: &str = "https://cloud.hostup.se";

/// Whether `url` names this machine: 127.0.0.0/8, ::1 or localhost.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parse and check an endpoint URL. `http` is only allowed to a loopback host: the API key would
/// otherwise cross the network in clear text. A path is a prefix in front of `/api/...` (a proxy
/// that serves the API under one); the API's own `/api` is refused, since it would be doubled.
pub fn parse_endpoint(raw: &str) -> Result<Url, String> {
    let trimmed = raw.trim();
    let url = Url::parse(trimmed).map_err(|e| {
        format!("\"{trimmed}\" is not a valid URL ({e}). Expected for example \"https://cloud.hostup.se\".")
    })?;
    match url.scheme() {
        "https" => {}
        "http" => {
            if !is_loopback(&url) {
                return Err(format!(
                    "\"{trimmed}\" uses plain http to a host that is not loopback. The API key would \
                     travel unencrypted; use https (http is only allowed for 127.0.0.1, ::1 or \
                     localhost, e.g. a local mock)."
                ));
            }
        }
        other => {
            return Err(format!(
                "\"{trimmed}\" has the scheme \"{other}\"; the endpoint must be an https:// URL."
            ))
        }
    }
    if url.host().is_none() {
        return Err(format!("\"{trimmed}\" has no host."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "The endpoint URL must not contain credentials; set api_key instead.".to_string(),
        );
    }
    // The provider appends /api/v2/... itself; an endpoint that already holds the API's path
    // would send /api/api/v2/...
    if url
        .path_segments()
        .is_some_and(|mut segs| segs.any(|s| s == "api"))
    {
        let base = format!("{}://{}", url.scheme(), url.authority());
        return Err(format!(
            "\"{trimmed}\" includes the API's own path (/api). Give the server's base URL, e.g. \
             \"{base}\": the provider adds /api/v2/... and /api/vm/... itself. A path is kept only as a \
             prefix in front of those, for a proxy that serves the API under one."
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "\"{trimmed}\" has a query or fragment; give only scheme, host, port and an optional base path."
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::parse_endpoint;

    #[test]
    fn the_api_path_is_refused_and_a_proxy_prefix_kept() {
        for bad in [
            "http://127.0.0.1:8080/api",
            "https://cloud.hostup.se/api/v2/",
        ] {
            let msg = parse_endpoint(bad).unwrap_err();
            assert!(msg.contains("includes the API's own path"), "{msg}");
        }
        assert!(parse_endpoint("https://proxy.example.com/hostup").is_ok());
        assert!(parse_endpoint("https://cloud.hostup.se/").is_ok());
    }
}
