//! The provider's settings: each from the provider block, else its environment variable, else
//! its default, checked together so that every problem is reported at once (a bad
//! `HOSTUP_MAX_RETRIES` must not hide a bad `HOSTUP_REQUEST_TIMEOUT` until the next run).

use crate::api::endpoint::{parse_endpoint, DEFAULT_ENDPOINT};
use crate::api::{tls, ClientConfig, RetryPolicy, Secret};
use crate::duration::parse_duration;
use crate::tf::number::Number;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tf_provider::value::{Value, ValueString};
use tf_provider::{AttributePath, Diagnostics};

pub const ENV_API_KEY: &str = "HOSTUP_API_KEY";
pub const ENV_ENDPOINT: &str = "HOSTUP_ENDPOINT";
pub const ENV_MAX_RETRIES: &str = "HOSTUP_MAX_RETRIES";
pub const ENV_REQUEST_TIMEOUT: &str = "HOSTUP_REQUEST_TIMEOUT";
pub const ENV_RETRY_DEADLINE: &str = "HOSTUP_RETRY_DEADLINE";
pub const ENV_REQUESTS_PER_SECOND: &str = "HOSTUP_REQUESTS_PER_SECOND";
/// A cap above this is no cap a server would notice; above it a typo is more likely.
pub const MAX_REQUESTS_PER_SECOND: f64 = 1000.0;

pub const DEFAULT_MAX_RETRIES: &str = "8";
pub const DEFAULT_REQUEST_TIMEOUT: &str = "30s";
pub const DEFAULT_RETRY_DEADLINE: &str = "5m";
/// More retries than this only hides a broken API behind very long applies.
pub const MAX_MAX_RETRIES: i64 = 50;

/// The provider block as Terraform sends it.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    pub api_key: ValueString<'static>,
    pub endpoint: ValueString<'static>,
    pub max_retries: Value<Number>,
    pub request_timeout: ValueString<'static>,
    pub retry_deadline: ValueString<'static>,
    pub ca_certificates: ValueString<'static>,
    pub requests_per_second: Value<Number>,
}

impl ProviderConfig {
    /// Values computed from other resources: the provider stays unconfigured until they are
    /// known, and each call that needs the API then says why.
    pub fn has_unknown(&self) -> bool {
        self.api_key.is_unknown()
            || self.endpoint.is_unknown()
            || self.max_retries.is_unknown()
            || self.request_timeout.is_unknown()
            || self.retry_deadline.is_unknown()
            || self.ca_certificates.is_unknown()
            || self.requests_per_second.is_unknown()
    }
}

/// One problem with a setting: on the block's attribute when the block set it, else on the
/// provider (naming the environment variable).
struct Problem {
    title: String,
    detail: String,
    attr: Option<&'static str>,
}

/// A setting's value and where it came from.
struct Setting {
    value: String,
    /// The attribute when the block set it.
    attr: Option<&'static str>,
    /// "`max_retries`", "HOSTUP_MAX_RETRIES" or "the default", for messages.
    origin: String,
}

impl Setting {
    fn problem(&self, title: &str, detail: String) -> Problem {
        Problem {
            title: title.to_string(),
            detail,
            attr: self.attr,
        }
    }
}

/// The provider block's value, else a non-blank environment variable, else the default.
fn setting(
    attr: &'static str,
    block: Option<String>,
    env: &'static str,
    default: Option<&str>,
) -> Option<Setting> {
    if let Some(value) = block {
        return Some(Setting {
            value,
            attr: Some(attr),
            origin: format!("`{attr}`"),
        });
    }
    if let Some(value) = std::env::var(env).ok().filter(|v| !v.trim().is_empty()) {
        return Some(Setting {
            value,
            attr: None,
            origin: env.to_string(),
        });
    }
    default.map(|d| Setting {
        value: d.to_string(),
        attr: None,
        origin: "the default".to_string(),
    })
}

/// Why an API key cannot be sent in a header: a control character inside it (a newline in the
/// middle of a pasted key, a NUL). Surrounding whitespace is trimmed, not refused.
fn api_key_problem(origin: &str, key: &str) -> Option<String> {
    let at = key.trim().chars().position(char::is_control)?;
    Some(format!(
        "{origin} contains a control character (such as a newline or tab) at position {}: an API key \
         is one line of printable characters. Check how it is read, e.g. trimspace(file(\"token\")).",
        at + 1
    ))
}

/// Collects each setting's outcome, keeping every problem.
#[derive(Default)]
struct Checker(Vec<Problem>);

impl Checker {
    fn keep<T>(&mut self, r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| self.0.push(p)).ok()
    }

    fn report(self, diags: &mut Diagnostics) -> bool {
        let ok = self.0.is_empty();
        for p in self.0 {
            match p.attr {
                Some(attr) => diags.error(p.title, p.detail, AttributePath::new(attr)),
                None => diags.root_error(p.title, p.detail),
            }
        }
        ok
    }
}

fn api_key(config: &ProviderConfig, block_only: bool) -> Result<Option<String>, Problem> {
    let block = config.api_key.as_deref_option().map(str::to_string);
    if block_only && block.is_none() {
        return Ok(None);
    }
    let Some(s) = setting("api_key", block, ENV_API_KEY, None) else {
        return Err(Problem {
                title: "No HostUp API key".into(),
                detail: format!(
                    "Set `api_key` in the provider \"hostup\" block, or set the {ENV_API_KEY} \
                     environment variable. Create a key in the HostUp dashboard with the scopes the \
                     resources need (see the provider's documentation)."
                ),
                attr: None,
            });
    };
    if s.value.trim().is_empty() {
        // Only the block can hold a blank key: a blank variable counts as unset.
        return Err(s.problem(
            "Empty API key",
            format!(
                "`api_key` is set but empty. Set it to a HostUp API key, or remove it and set the \
                 {ENV_API_KEY} environment variable."
            ),
        ));
    }
    if let Some(msg) = api_key_problem(&s.origin, &s.value) {
        return Err(s.problem("Invalid API key", msg));
    }
    // A key read with file() ends in a newline: surrounding whitespace is never part of it.
    Ok(Some(s.value.trim().to_string()))
}

fn endpoint(config: &ProviderConfig, block_only: bool) -> Result<Option<url::Url>, Problem> {
    let block = config.endpoint.as_deref_option().map(str::to_string);
    if block_only && block.is_none() {
        return Ok(None);
    }
    let s = setting("endpoint", block, ENV_ENDPOINT, Some(DEFAULT_ENDPOINT)).expect("default");
    parse_endpoint(&s.value).map(Some).map_err(|msg| {
        let msg = match s.attr {
            Some(_) => msg,
            None => format!("{}: {msg}", s.origin),
        };
        s.problem("Invalid endpoint", msg)
    })
}

fn max_retries(config: &ProviderConfig, block_only: bool) -> Result<Option<u32>, Problem> {
    let block = match &config.max_retries {
        Value::Value(n) => Some(n.to_string()),
        _ if block_only => return Ok(None),
        _ => None,
    };
    let s = setting(
        "max_retries",
        block,
        ENV_MAX_RETRIES,
        Some(DEFAULT_MAX_RETRIES),
    )
    .expect("default");
    match s.value.trim().parse::<i64>() {
        Ok(n) if (0..=MAX_MAX_RETRIES).contains(&n) => Ok(Some(n as u32)),
        _ => Err(s.problem(
            "Invalid max_retries",
            format!(
                "{} is {}; it must be a whole number from 0 to {MAX_MAX_RETRIES}.",
                s.origin,
                crate::api::text::clip(s.value.trim())
            ),
        )),
    }
}

fn duration(
    attr: &'static str,
    value: &ValueString<'static>,
    env: &'static str,
    default: &str,
    block_only: bool,
) -> Result<Option<Duration>, Problem> {
    let block = value.as_deref_option().map(str::to_string);
    if block_only && block.is_none() {
        return Ok(None);
    }
    let s = setting(attr, block, env, Some(default)).expect("default");
    parse_duration(&s.value)
        .map(Some)
        .map_err(|msg| s.problem(&format!("Invalid {attr}"), format!("{}: {msg}", s.origin)))
}

/// `requests_per_second`, 0 (no cap) by default; fractions allowed.
fn rate_cap(config: &ProviderConfig, block_only: bool) -> Result<Option<f64>, Problem> {
    let block = match &config.requests_per_second {
        Value::Value(n) => Some(n.to_string()),
        _ if block_only => return Ok(None),
        _ => None,
    };
    let s = setting(
        "requests_per_second",
        block,
        ENV_REQUESTS_PER_SECOND,
        Some("0"),
    )
    .expect("default");
    Number::Other(s.value.trim().to_string())
        .rate_in(
            s.attr.unwrap_or(ENV_REQUESTS_PER_SECOND),
            MAX_REQUESTS_PER_SECOND,
        )
        .map(Some)
        .map_err(|msg| s.problem("Invalid requests_per_second", msg))
}

/// The CAs of `ca_certificates` (DER), checked as the TLS library will use them.
fn block_cas(config: &ProviderConfig) -> Result<Vec<Vec<u8>>, Problem> {
    let Some(pem) = config.ca_certificates.as_deref_option() else {
        return Ok(Vec::new());
    };
    tls::parse_pem(pem.as_bytes()).map_err(|e| Problem {
        title: "Invalid ca_certificates".into(),
        detail: format!(
            "`ca_certificates` cannot be used: {e}. Give the CA certificates as PEM text, e.g. \
             ca_certificates = file(\"corp-ca.pem\")."
        ),
        attr: Some("ca_certificates"),
    })
}

/// The CAs of SSL_CERT_FILE / SSL_CERT_DIR, read where the run is.
fn env_cas() -> Result<Vec<Vec<u8>>, Problem> {
    tls::roots_from_env().map_err(|msg| Problem {
        title: "Cannot read the trusted CA certificates".into(),
        detail: msg,
        attr: None,
    })
}

/// validate: the block's own values, each on its attribute (the environment is read at
/// configure, where it is the environment of the run).
pub fn check(diags: &mut Diagnostics, config: &ProviderConfig) -> bool {
    let mut c = Checker::default();
    c.keep(api_key(config, true));
    c.keep(block_cas(config));
    c.keep(endpoint(config, true));
    c.keep(max_retries(config, true));
    c.keep(rate_cap(config, true));
    c.keep(duration(
        "request_timeout",
        &config.request_timeout,
        ENV_REQUEST_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        true,
    ));
    c.keep(duration(
        "retry_deadline",
        &config.retry_deadline,
        ENV_RETRY_DEADLINE,
        DEFAULT_RETRY_DEADLINE,
        true,
    ));
    c.report(diags)
}

/// configure: every setting from the block, the environment or its default, all checked
/// before any is reported. `terraform_version` is the CLI's, for the User-Agent.
pub fn resolve(
    diags: &mut Diagnostics,
    config: &ProviderConfig,
    terraform_version: String,
) -> Option<ClientConfig> {
    let mut c = Checker::default();
    let block_cas = c.keep(block_cas(config));
    let env_cas = c.keep(env_cas());
    let api_key = c.keep(api_key(config, false)).flatten();
    let endpoint = c.keep(endpoint(config, false)).flatten();
    let max_retries = c.keep(max_retries(config, false)).flatten();
    let requests_per_second = c.keep(rate_cap(config, false)).flatten();
    let request_timeout = c
        .keep(duration(
            "request_timeout",
            &config.request_timeout,
            ENV_REQUEST_TIMEOUT,
            DEFAULT_REQUEST_TIMEOUT,
            false,
        ))
        .flatten();
    let deadline = c
        .keep(duration(
            "retry_deadline",
            &config.retry_deadline,
            ENV_RETRY_DEADLINE,
            DEFAULT_RETRY_DEADLINE,
            false,
        ))
        .flatten();
    if !c.report(diags) {
        return None;
    }
    let mut ca_certificates = block_cas?;
    ca_certificates.extend(env_cas?);
    Some(ClientConfig {
        ca_certificates,
        terraform_version,
        requests_per_second: requests_per_second?,
        endpoint: endpoint?,
        api_key: Secret::new(api_key?),
        request_timeout: request_timeout?,
        retry: RetryPolicy {
            max_retries: max_retries?,
            deadline: deadline?,
            ..RetryPolicy::default()
        },
    })
}
