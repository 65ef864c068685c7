//! The `hostup` provider, the top room: its schema, its configure (the settings themselves are
//! read in `settings`) and the list of resources and data sources, each built in its HostUp object's room, and of
//! functions (`functions`).

use crate::api::Client;
use crate::configured::Configured;
use crate::hosting_account::store::HostingAccountStore;
use crate::hosting_account::HostingAccountsDataSource;
use crate::hosting_key::store::HostingKeyStore;
use crate::hosting_key::{HostingSshKeyResource, HostingSshKeysDataSource};
use crate::settings::{self, ProviderConfig};
use crate::tf::adapter::Adapter;
use crate::tf::schema::{optional, schema, sensitive};
use crate::vm_reset::VmSshResetResource;
use crate::vps_instance::store::VpsInstanceStore;
use crate::vps_instance::VpsInstancesDataSource;
use crate::vps_key::store::VpsKeyStore;
use crate::vps_key::{VpsSshKeyDataSource, VpsSshKeyResource, VpsSshKeysDataSource};
use async_trait::async_trait;
use std::collections::HashMap;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::ValueEmpty;
use tf_provider::{
    map, Diagnostics, DynamicDataSource, DynamicFunction, DynamicResource, Provider,
};

/// The provider, holding what its configure hands to the objects: the client, and each key
/// object's store.
#[derive(Default)]
pub struct HostupProvider {
    client: Configured<Client>,
    vps_keys: Configured<VpsKeyStore>,
    hosting_keys: Configured<HostingKeyStore>,
    vps_instances: Configured<VpsInstanceStore>,
    hosting_accounts: Configured<HostingAccountStore>,
}

impl HostupProvider {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Provider for HostupProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        settings::check(diags, &config);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        // Values computed from other resources leave the provider unconfigured for now; each
        // call that needs the API then says why.
        if config.has_unknown() {
            return Some(());
        }
        let Some(client_config) = settings::resolve(diags, &config, terraform_version) else {
            return Some(());
        };
        match Client::new(client_config) {
            Ok(c) => {
                self.vps_keys.set(VpsKeyStore::new(c.clone()));
                self.hosting_keys.set(HostingKeyStore::new(c.clone()));
                self.vps_instances.set(VpsInstanceStore::new(c.clone()));
                self.hosting_accounts
                    .set(HostingAccountStore::new(c.clone()));
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
                     scopes of the objects used, each granted apart: `read:vm` for VPS keys and \
                     instances and `write:account` (inferred) to change VPS keys; `read:hosting` + \
                     `console:services` to read hosting keys, `write:hosting` + `console:services` \
                     to import or remove them; `read:hosting` to list hosting accounts.",
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
                "ca_certificates" => optional(
                    AttributeType::String,
                    "PEM text of CA certificates to trust in addition to the bundled Mozilla roots and \
                     those of `SSL_CERT_FILE` / `SSL_CERT_DIR`, e.g. `file(\"corp-ca.pem\")`: for a \
                     network whose proxy inspects TLS with its own CA.",
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
            short(VmSshResetResource::TYPE_NAME) => Adapter(VmSshResetResource::new(
                self.client.clone(), vps.clone(), self.vps_instances.clone(),
            )),
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
            short(HostingAccountsDataSource::TYPE_NAME) => Adapter(HostingAccountsDataSource::new(self.hosting_accounts.clone())),
            short(VpsInstancesDataSource::TYPE_NAME) => Adapter(VpsInstancesDataSource::new(self.vps_instances.clone())),
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
