//! The `hostup` provider, the top room: its configuration (API key, endpoint, retry settings)
//! and the list of resources and data sources, each built in its HostUp object's room, and of
//! functions (`functions`).

use crate::api::endpoint::{parse_endpoint, DEFAULT_ENDPOINT};
use crate::api::{Client, ClientConfig, RetryPolicy, Secret};
use crate::configured::Configured;
use crate::duration::parse_duration;
use crate::hosting_key::store::HostingKeyStore;
use crate::hosting_key::{HostingSshKeyResource, HostingSshKeysDataSource};
use crate::tf::adapter::Adapter;
use crate::tf::number::Number;
use crate::tf::schema::{optional, schema, sensitive};
use crate::vm_reset::VmSshResetResource;
use crate::vps_key::store::VpsKeyStore;
use crate::vps_key::{VpsSshKeyDataSource, VpsSshKeyResource, VpsSshKeysDataSource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty, ValueString};
use tf_provider::{
    map, AttributePath, Diagnostics, DynamicDataSource, DynamicFunction, DynamicResource, Provider,
};

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

/// The provider, holding what its configure hands to the objects: the client, and each key
/// object's store.
#[derive(Default)]
pub struct HostupProvider {
    client: Configured<Client>,
    vps_keys: Configured<VpsKeyStore>,
    hosting_keys: Configured<HostingKeyStore>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    pub api_key: ValueString<'static>,
    pub endpoint: ValueString<'static>,
    pub max_retries: Value<Number>,
    pub request_timeout: ValueString<'static>,
    pub retry_deadline: ValueString<'static>,
    pub requests_per_second: Value<Number>,
}

impl HostupProvider {
    pub fn new() -> Self {
        Self::default()
    }

    fn check(&self, diags: &mut Diagnostics, config: &ProviderConfig) {
        if let Some(key) = config.api_key.as_deref_option() {
            if key.trim().is_empty() {
                diags.error(
                    "Empty API key",
                    format!(
                        "`api_key` is set but empty. Set it to a HostUp API key, or remove it and set the \
                         {ENV_API_KEY} environment variable."
                    ),
                    AttributePath::new("api_key"),
                );
            } else if let Some(msg) = api_key_problem("`api_key`", key) {
                diags.error("Invalid API key", msg, AttributePath::new("api_key"));
            }
        }
        if let Some(ep) = config.endpoint.as_deref_option() {
            if let Err(msg) = parse_endpoint(ep) {
                diags.error("Invalid endpoint", msg, AttributePath::new("endpoint"));
            }
        }
        if let Value::Value(n) = &config.max_retries {
            if let Err(msg) = n.whole_in("max_retries", 0..=MAX_MAX_RETRIES) {
                diags.error(
                    "Invalid max_retries",
                    msg,
                    AttributePath::new("max_retries"),
                );
            }
        }
        if let Value::Value(n) = &config.requests_per_second {
            if let Err(msg) = n.rate_in("requests_per_second", MAX_REQUESTS_PER_SECOND) {
                diags.error(
                    "Invalid requests_per_second",
                    msg,
                    AttributePath::new("requests_per_second"),
                );
            }
        }
        for (attr, v) in [
            ("request_timeout", &config.request_timeout),
            ("retry_deadline", &config.retry_deadline),
        ] {
            if let Some(d) = v.as_deref_option() {
                if let Err(msg) = parse_duration(d) {
                    diags.error(
                        format!("Invalid {attr}"),
                        format!("`{attr}`: {msg}"),
                        AttributePath::new(attr),
                    );
                }
            }
        }
    }

    /// Retry settings from the block, then the environment, then the defaults.
    fn retry_settings(
        diags: &mut Diagnostics,
        config: &ProviderConfig,
    ) -> Option<(RetryPolicy, Duration)> {
        let retries = match &config.max_retries {
            Value::Value(n) => Some(n.to_string()),
            _ => None,
        };
        let max_retries = setting(retries, ENV_MAX_RETRIES, Some(DEFAULT_MAX_RETRIES))?;
        let max_retries = match max_retries.value.trim().parse::<i64>() {
            Ok(n) if (0..=MAX_MAX_RETRIES).contains(&n) => n,
            _ => {
                diags.root_error(
                    format!("Invalid {}", max_retries.origin),
                    format!(
                        "{} must be a whole number from 0 to {MAX_MAX_RETRIES}.",
                        max_retries.origin
                    ),
                );
                return None;
            }
        };
        let duration = |diags: &mut Diagnostics, v: &ValueString<'static>, env, default| {
            let s = setting(v.as_deref_option().map(str::to_string), env, Some(default))?;
            parse_duration(&s.value)
                .map_err(|msg| diags.root_error(format!("Invalid duration in {}", s.origin), msg))
                .ok()
        };
        let timeout = duration(
            diags,
            &config.request_timeout,
            ENV_REQUEST_TIMEOUT,
            DEFAULT_REQUEST_TIMEOUT,
        )?;
        let deadline = duration(
            diags,
            &config.retry_deadline,
            ENV_RETRY_DEADLINE,
            DEFAULT_RETRY_DEADLINE,
        )?;
        let policy = RetryPolicy {
            max_retries: max_retries as u32,
            deadline,
            ..RetryPolicy::default()
        };
        Some((policy, timeout))
    }

    /// `requests_per_second` from the block, then the environment; 0 (no cap) by default.
    fn rate_cap(diags: &mut Diagnostics, config: &ProviderConfig) -> Option<f64> {
        let block = match &config.requests_per_second {
            Value::Value(n) => Some(n.to_string()),
            _ => None,
        };
        let s = setting(block, ENV_REQUESTS_PER_SECOND, Some("0"))?;
        let n = Number::Other(s.value.trim().to_string());
        n.rate_in(s.origin, MAX_REQUESTS_PER_SECOND)
            .map_err(|msg| diags.root_error(format!("Invalid {}", s.origin), msg))
            .ok()
    }
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

/// A setting's value and where it came from, for error messages.
struct Setting {
    value: String,
    origin: &'static str,
}

/// The provider block's value, else a non-blank environment variable, else the default.
fn setting(block: Option<String>, env: &'static str, default: Option<&str>) -> Option<Setting> {
    if let Some(value) = block {
        return Some(Setting {
            value,
            origin: "provider block",
        });
    }
    if let Some(value) = std::env::var(env).ok().filter(|v| !v.trim().is_empty()) {
        return Some(Setting { value, origin: env });
    }
    default.map(|d| Setting {
        value: d.to_string(),
        origin: "default",
    })
}

#[async_trait]
impl Provider for HostupProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        self.check(diags, &config);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        self.check(diags, &config);
        if !diags.errors.is_empty() {
            return Some(());
        }
        // Unknown values (computed from other resources) leave the provider unconfigured for now;
        // each call that needs the API then says why.
        if config.api_key.is_unknown()
            || config.endpoint.is_unknown()
            || config.max_retries.is_unknown()
            || config.request_timeout.is_unknown()
            || config.retry_deadline.is_unknown()
            || config.requests_per_second.is_unknown()
        {
            return Some(());
        }
        let api_key = match setting(
            config.api_key.as_deref_option().map(str::to_string),
            ENV_API_KEY,
            None,
        ) {
            // A key read with file() ends in a newline: surrounding whitespace is never part of it.
            Some(k) => match api_key_problem(k.origin, &k.value) {
                None => k.value.trim().to_string(),
                Some(msg) => {
                    diags.root_error("Invalid API key", msg);
                    return Some(());
                }
            },
            None => {
                diags.root_error(
                    "No HostUp API key",
                    format!(
                        "Set `api_key` in the provider \"hostup\" block, or set the {ENV_API_KEY} \
                         environment variable. Create a key in the HostUp dashboard with the scopes the \
                         resources need (read:vm, write:account, ...)."
                    ),
                );
                return Some(());
            }
        };
        let raw_endpoint = setting(
            config.endpoint.as_deref_option().map(str::to_string),
            ENV_ENDPOINT,
            Some(DEFAULT_ENDPOINT),
        )?;
        let endpoint = match parse_endpoint(&raw_endpoint.value) {
            Ok(u) => u,
            Err(msg) => {
                let msg = if raw_endpoint.origin == ENV_ENDPOINT {
                    format!("{ENV_ENDPOINT}: {msg}")
                } else {
                    msg
                };
                diags.error("Invalid endpoint", msg, AttributePath::new("endpoint"));
                return Some(());
            }
        };
        let Some((retry, request_timeout)) = Self::retry_settings(diags, &config) else {
            return Some(());
        };
        let Some(requests_per_second) = Self::rate_cap(diags, &config) else {
            return Some(());
        };
        match Client::new(ClientConfig {
            endpoint,
            api_key: Secret::new(api_key),
            request_timeout,
            retry,
            requests_per_second,
        }) {
            Ok(c) => {
                self.vps_keys.set(VpsKeyStore::new(c.clone()));
                self.hosting_keys.set(HostingKeyStore::new(c.clone()));
                self.client.set(c);
            }
            Err(e) => diags.root_error("Could not configure the hostup provider", e),
        }
        Some(())
    }

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema(
            "Manage SSH keys on HostUp: account-level VPS keys, keys on shared-hosting accounts, \
                     and resets of a VM's SSH keys.",
            map! {
                "api_key" => sensitive(optional(
                    AttributeType::String,
                    "HostUp API key. Falls back to the `HOSTUP_API_KEY` environment variable. Needs the \
                     scopes of the resources used: `read:vm` and `write:account` for VPS keys, \
                     `read:hostingconsole:services` and `write:hostingconsole:services` for hosting keys.",
                )),
                "endpoint" => optional(
                    AttributeType::String,
                    "Base URL of the HostUp API. Falls back to `HOSTUP_ENDPOINT`, then \
                     `https://cloud.hostup.se`. Must be https, except for a loopback host (a local mock). \
                     The server's base URL: the provider adds `/api/...` itself.",
                ),
                "max_retries" => optional(
                    AttributeType::Number,
                    "How many times one request is retried after a rate limit (429), a server error or a \
                     connection failure, when retrying is safe. Falls back to `HOSTUP_MAX_RETRIES`, then 8. \
                     0 to 50.",
                ),
                "request_timeout" => optional(
                    AttributeType::String,
                    "Timeout of one HTTP attempt, e.g. `\"30s\"`. Falls back to `HOSTUP_REQUEST_TIMEOUT`, \
                     then `30s`.",
                ),
                "retry_deadline" => optional(
                    AttributeType::String,
                    "Upper bound on one operation including all its retries and waits, e.g. `\"5m\"`. \
                     Falls back to `HOSTUP_RETRY_DEADLINE`, then `5m`.",
                ),
                "requests_per_second" => optional(
                    AttributeType::Number,
                    "At most this many requests a second from this provider process, e.g. `2` or \
                     `0.5`; 0 for no cap. Falls back to `HOSTUP_REQUESTS_PER_SECOND`, then 0. Whatever \
                     it is, the provider also paces itself by HostUp's `X-RateLimit-*` headers.",
                ),
            },
        ))
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let (vps, hosting) = (&self.vps_keys, &self.hosting_keys);
        Some(map! {
            short(VpsSshKeyResource::TYPE_NAME) => Adapter(VpsSshKeyResource::new(vps.clone())),
            short(HostingSshKeyResource::TYPE_NAME) => Adapter(HostingSshKeyResource::new(hosting.clone())),
            short(VmSshResetResource::TYPE_NAME) => Adapter(VmSshResetResource::new(self.client.clone())),
        })
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let vps = &self.vps_keys;
        let hosting = HostingSshKeysDataSource::new(self.hosting_keys.clone());
        Some(map! {
            short(VpsSshKeysDataSource::TYPE_NAME) => Adapter(VpsSshKeysDataSource::new(vps.clone())),
            short(VpsSshKeyDataSource::TYPE_NAME) => Adapter(VpsSshKeyDataSource::new(vps.clone())),
            short(HostingSshKeysDataSource::TYPE_NAME) => Adapter(hosting),
        })
    }

    fn get_functions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicFunction>>> {
        Some(crate::functions::all())
    }
}

/// tf-provider prefixes the names it is given with the provider's name.
fn short(type_name: &str) -> &str {
    type_name.trim_start_matches("hostup_")
}
