//! The `hostup` provider: configuration (API key, endpoint) and the list of resources and data
//! sources.

use crate::api::client::{parse_endpoint, DEFAULT_ENDPOINT};
use crate::api::{Client, ClientConfig, RetryPolicy, Secret};
use crate::inventory::Inventory;
use crate::tfutil::{known, optional, parse_duration, schema, sensitive};
use crate::{data_sources, resources};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty, ValueNumber, ValueString};
use tf_provider::{map, AttributePath, Diagnostics, DynamicDataSource, DynamicResource, Provider};

pub const ENV_API_KEY: &str = "HOSTUP_API_KEY";
pub const ENV_ENDPOINT: &str = "HOSTUP_ENDPOINT";
pub const ENV_MAX_RETRIES: &str = "HOSTUP_MAX_RETRIES";
pub const ENV_REQUEST_TIMEOUT: &str = "HOSTUP_REQUEST_TIMEOUT";
pub const ENV_RETRY_DEADLINE: &str = "HOSTUP_RETRY_DEADLINE";

pub const DEFAULT_MAX_RETRIES: i64 = 8;
pub const DEFAULT_REQUEST_TIMEOUT: &str = "30s";
pub const DEFAULT_RETRY_DEADLINE: &str = "5m";
/// More retries than this only hides a broken API behind very long applies.
pub const MAX_MAX_RETRIES: i64 = 50;

/// The configured client and its shared inventories, used by every resource and data source of
/// one provider process.
#[derive(Clone, Default)]
pub struct Shared(Arc<RwLock<Option<Arc<Inventory>>>>);

impl Shared {
    /// The API, or an error diagnostic when the provider could not be configured.
    pub fn api(&self, diags: &mut Diagnostics) -> Option<Arc<Inventory>> {
        let client = self.0.read().ok().and_then(|c| c.clone());
        if client.is_none() {
            diags.root_error(
                "The hostup provider is not configured",
                "The provider block could not be configured (see the errors above), or its api_key or \
                 endpoint depends on values that are only known after apply. Set them to known values.",
            );
        }
        client
    }

    /// The API when configured, without a diagnostic (for optional plan-time checks).
    pub fn try_api(&self) -> Option<Arc<Inventory>> {
        self.0.read().ok().and_then(|c| c.clone())
    }

    fn set(&self, client: Client) {
        if let Ok(mut slot) = self.0.write() {
            *slot = Some(Arc::new(Inventory::new(client)));
        }
    }
}

#[derive(Default)]
pub struct HostupProvider {
    shared: Shared,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProviderConfig {
    #[serde(default)]
    pub api_key: ValueString<'static>,
    #[serde(default)]
    pub endpoint: ValueString<'static>,
    #[serde(default)]
    pub max_retries: ValueNumber,
    #[serde(default)]
    pub request_timeout: ValueString<'static>,
    #[serde(default)]
    pub retry_deadline: ValueString<'static>,
}

impl HostupProvider {
    pub fn new() -> Self {
        Self::default()
    }

    fn check(&self, diags: &mut Diagnostics, config: &ProviderConfig) {
        if let Some(key) = known(&config.api_key) {
            if key.trim().is_empty() {
                diags.error(
                    "Empty API key",
                    format!(
                        "`api_key` is set but empty. Set it to a HostUp API key, or remove it and set the \
                         {ENV_API_KEY} environment variable."
                    ),
                    AttributePath::new("api_key"),
                );
            }
        }
        if let Some(ep) = known(&config.endpoint) {
            if let Err(msg) = parse_endpoint(ep) {
                diags.error("Invalid endpoint", msg, AttributePath::new("endpoint"));
            }
        }
        if let Value::Value(n) = config.max_retries {
            if !(0..=MAX_MAX_RETRIES).contains(&n) {
                diags.error(
                    "Invalid max_retries",
                    format!("`max_retries` is {n}; it must be between 0 and {MAX_MAX_RETRIES}."),
                    AttributePath::new("max_retries"),
                );
            }
        }
        for (attr, v) in [
            ("request_timeout", &config.request_timeout),
            ("retry_deadline", &config.retry_deadline),
        ] {
            if let Some(d) = known(v) {
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
        let max_retries = match config.max_retries {
            Value::Value(n) => n,
            _ => match env_nonempty(ENV_MAX_RETRIES) {
                Some(v) => match v.trim().parse::<i64>() {
                    Ok(n) if (0..=MAX_MAX_RETRIES).contains(&n) => n,
                    _ => {
                        diags.root_error(
                            "Invalid HOSTUP_MAX_RETRIES",
                            format!("{ENV_MAX_RETRIES} must be a whole number from 0 to {MAX_MAX_RETRIES}."),
                        );
                        return None;
                    }
                },
                None => DEFAULT_MAX_RETRIES,
            },
        };
        let duration =
            |diags: &mut Diagnostics, v: &ValueString<'static>, env: &str, default: &str| {
                let (raw, from_env) = match known(v) {
                    Some(s) => (s.to_string(), false),
                    None => match env_nonempty(env) {
                        Some(s) => (s, true),
                        None => (default.to_string(), false),
                    },
                };
                match parse_duration(&raw) {
                    Ok(d) => Some(d),
                    Err(msg) => {
                        let where_ = if from_env { env } else { "provider block" };
                        diags.root_error(format!("Invalid duration in {where_}"), msg);
                        None
                    }
                }
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
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[async_trait]
impl Provider for HostupProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

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
                     `https://cloud.hostup.se`. Must be https, except for a loopback host (a local mock).",
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
            },
        ))
    }

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
        {
            return Some(());
        }
        let api_key = match known(&config.api_key)
            .map(str::to_string)
            .or_else(|| env_nonempty(ENV_API_KEY))
        {
            Some(k) => k,
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
        let (raw_endpoint, from_env) = match known(&config.endpoint) {
            Some(e) => (e.to_string(), false),
            None => match env_nonempty(ENV_ENDPOINT) {
                Some(e) => (e, true),
                None => (DEFAULT_ENDPOINT.to_string(), false),
            },
        };
        let endpoint = match parse_endpoint(&raw_endpoint) {
            Ok(u) => u,
            Err(msg) => {
                let msg = if from_env {
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
        match Client::new(ClientConfig {
            endpoint,
            api_key: Secret::new(api_key),
            request_timeout,
            retry,
        }) {
            Ok(c) => self.shared.set(c),
            Err(e) => diags.root_error("Could not configure the hostup provider", e),
        }
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(map! {
            "vps_ssh_key" => resources::vps_ssh_key::VpsSshKeyResource::new(self.shared.clone()),
            "hosting_ssh_key" => resources::hosting_ssh_key::HostingSshKeyResource::new(self.shared.clone()),
            "vm_ssh_reset" => resources::vm_ssh_reset::VmSshResetResource::new(self.shared.clone()),
        })
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(map! {
            "vps_ssh_keys" => data_sources::vps_ssh_keys::VpsSshKeysDataSource::new(self.shared.clone()),
            "vps_ssh_key" => data_sources::vps_ssh_key::VpsSshKeyDataSource::new(self.shared.clone()),
            "hosting_ssh_keys" => data_sources::hosting_ssh_keys::HostingSshKeysDataSource::new(self.shared.clone()),
        })
    }
}
