//! Where the API is: the default endpoint and the check of a user-given one.

use reqwest::Url;

pub const DEFAULT_ENDPOINT: &str = "https://cloud.hostup.se";

/// Parse and check an endpoint URL. `http` is only allowed to a loopback host: the API key would
/// otherwise cross the network in clear text.
pub fn parse_endpoint(raw: &str) -> Result<Url, String> {
    let trimmed = raw.trim();
    let url = Url::parse(trimmed).map_err(|e| {
        format!("\"{trimmed}\" is not a valid URL ({e}). Expected for example \"https://cloud.hostup.se\".")
    })?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if !loopback {
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
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "\"{trimmed}\" has a query or fragment; give only scheme, host, port and an optional base path."
        ));
    }
    Ok(url)
}
