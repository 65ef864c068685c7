//! `hostup_vps_ssh_key`: an account-level SSH key used by HostUp VPS deploy/reset flows.
//!
//! - `name` updates in place (PATCH); `public_key` forces replacement (key material is immutable).
//! - A key is identified by its algorithm and key data: a different comment, whitespace or the
//!   trailing newline of `file()` is not a change (the prior value is kept in the plan).
//! - HostUp's `actions.canRename` / `canDelete` gates are checked before any write.

use super::attributes as attr;
use super::gate::{self, Action, Gate};
use super::state::VpsKeyState;
use super::store::VpsKeyStore;
use crate::api::models::VpsSshKey;
use crate::api::text::clip;
use crate::api::CreateError;
use crate::configured::Configured;
use crate::ssh_key::same_key;
use crate::tf::adapter::Managed;
use crate::tf::diagnostics::{api_error, OrReport};
use crate::tf::import_id::{find_one, ImportKind, KeySelector};
use crate::tf::public_key::{check_public_key, keep_prior_key, md5_of, warn_if_weak};
use crate::tf::schema::{computed, required, schema};
use crate::tf::validate::{check_name, check_not_null, import_hint, warn_claimed_twice};
use crate::tf::value::string;
use async_trait::async_trait;
use std::borrow::Cow;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{map, AttributePath, Diagnostics};

pub struct VpsSshKeyResource {
    configured: Configured<VpsKeyStore>,
}

impl VpsSshKeyResource {
    pub const TYPE_NAME: &'static str = "hostup_vps_ssh_key";

    pub fn new(configured: Configured<VpsKeyStore>) -> Self {
        VpsSshKeyResource { configured }
    }
}

const TYPE_NAME: &str = VpsSshKeyResource::TYPE_NAME;
const IMPORT: ImportKind = ImportKind {
    type_name: TYPE_NAME,
    lister: super::VpsSshKeysDataSource::TYPE_NAME,
    forms: "An import ID is the HostUp id of a VPS SSH key, its SHA256: fingerprint (as \
            `ssh-keygen -l` prints it), its MD5 fingerprint (bare or after MD5:, as HostUp's \
            control panel and `ssh-keygen -l -E md5` show it) or name:<name>, e.g.\n\n  \
            terraform import hostup_vps_ssh_key.deploy ssh_01hxa3b4c5d6e7f8g9h0j1k2m3\n  \
            terraform import hostup_vps_ssh_key.deploy \
            SHA256:T0FV+Kh187xSTogEpdcD8CDD4R+W0EE6c7WrALnKAs4\n  \
            terraform import hostup_vps_ssh_key.deploy 4b:8c:35:f0:ff:2f:cf:fa:b5:52:5e:14:6c:31:89:9d\n  \
            terraform import hostup_vps_ssh_key.deploy name:ci-deploy",
};

/// Set `fingerprint`, `fingerprint_md5` and `key_type` from `public_key` (unknown while the key
/// is unknown).
fn derive_from_key(diags: &mut Diagnostics, s: &mut VpsKeyState) {
    if s.public_key.is_unknown() {
        s.fingerprint = Value::Unknown;
        s.fingerprint_md5 = Value::Unknown;
        s.key_type = Value::Unknown;
    } else if let Some(k) = check_public_key(diags, &s.public_key, "public_key") {
        s.fingerprint = string(k.fingerprint());
        s.fingerprint_md5 = string(k.fingerprint_md5());
        s.key_type = string(k.key_type());
    }
}

/// Error for a duplicate, naming the existing key so the user can adopt it.
fn duplicate_error(diags: &mut Diagnostics, existing: Option<&VpsSshKey>, fingerprint: &str) {
    let adopt = match existing {
        Some(k) => format!(
            "A VPS SSH key with fingerprint {fingerprint} already exists in this HostUp account: id \"{}\" \
             (name \"{}\"). HostUp keeps one copy of a key per account, so nothing was created. To manage \
             that key with this resource, adopt it instead of creating it:\n\n{}\n\nor remove the other \
             copy first.",
            clip(&k.id),
            clip(&k.name),
            import_hint(TYPE_NAME, &clip(&k.id))
        ),
        None => format!(
            "A VPS SSH key with fingerprint {fingerprint} already exists in this HostUp account, so nothing \
             was created. Find its id with the hostup_vps_ssh_key data source (fingerprint = \
             \"{fingerprint}\") and adopt it with terraform import {TYPE_NAME}.<name> <id>."
        ),
    };
    diags.error(
        "SSH key already exists on HostUp",
        format!(
            "{adopt}\n\nIf this create replaces a key of this state with the same key material (`-replace`, \
             or `lifecycle {{ create_before_destroy = true }}`), the new copy cannot exist beside the old \
             one: drop `create_before_destroy` so the old key is deleted first, or rotate to new key \
             material."
        ),
        AttributePath::new("public_key"),
    );
}

#[async_trait]
impl Managed for VpsSshKeyResource {
    type State = VpsKeyState;

    fn schema(&self) -> Schema {
        schema(
            "An account-level SSH key on HostUp, used when ordering, rebuilding or resetting VPS \
                     instances. Renaming updates the key in place; changing the key material replaces it.",
            map! {
                "id" => computed(AttributeType::String, attr::ID),
                "name" => required(AttributeType::String, &format!("{} Changing it renames the key in place.", attr::NAME)),
                "public_key" => required(
                    AttributeType::String,
                    &format!(
                        "{} E.g. `file(\"~/.ssh/id_ed25519.pub\")`. Changing the key forces a new resource. Only \
                         the type and key data count: a different comment, surrounding whitespace or a trailing \
                         newline is not a change. Private keys are refused.",
                        attr::PUBLIC_KEY
                    ),
                ),
                "fingerprint" => computed(AttributeType::String, attr::FINGERPRINT),
                "fingerprint_md5" => computed(AttributeType::String, attr::FINGERPRINT_MD5),
                "key_type" => computed(AttributeType::String, attr::KEY_TYPE),
                "created_at" => computed(AttributeType::String, attr::CREATED_AT),
            },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        check_not_null(diags, "name", &config.name);
        check_not_null(diags, "public_key", &config.public_key);
        check_name(diags, &config.name, "name");
        if let Some(k) = check_public_key(diags, &config.public_key, "public_key") {
            warn_if_weak(diags, &k, "public_key");
        }
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let Some(id) = state.id.as_deref_option().map(str::to_string) else {
            return Some(state);
        };
        // On any failure the prior state is returned with the error: returning nothing would
        // make Terraform forget the key.
        let Some(api) = self.configured.api(diags) else {
            return Some(state);
        };
        match api.find(&id, false).await {
            Ok(Some(k)) => {
                if !api.claim(&k.id) {
                    warn_claimed_twice(diags, TYPE_NAME, &k.id);
                }
                let fresh = VpsKeyState::from_api(&k);
                let mut s = state;
                s.name = fresh.name;
                let same = s
                    .public_key
                    .as_deref_option()
                    .is_some_and(|pk| same_key(pk, &k.public_key));
                if !same {
                    s.public_key = fresh.public_key;
                    s.fingerprint = fresh.fingerprint;
                    s.key_type = fresh.key_type;
                }
                // Also fills in states written before the attribute existed.
                s.fingerprint_md5 = md5_of(&s.public_key);
                if k.created_at.is_some() {
                    s.created_at = fresh.created_at;
                }
                Some(s)
            }
            Ok(None) => {
                diags.root_warning(
                    format!("SSH key {id} no longer exists on HostUp"),
                    "It was deleted outside Terraform. It has been removed from the state, and the next plan \
                     creates it again.",
                );
                None
            }
            Err(e) => {
                api_error(diags, &format!("Could not read SSH key {id}"), &e);
                Some(state)
            }
        }
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        mut s: Self::State,
    ) -> Option<Self::State> {
        check_name(diags, &s.name, "name");
        s.id = Value::Unknown;
        s.created_at = Value::Unknown;
        derive_from_key(diags, &mut s);
        Some(s)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State,
        proposed_state: Self::State,
    ) -> Option<(Self::State, &'static [&'static str])> {
        let mut s = proposed_state;
        check_name(diags, &s.name, "name");
        let unchanged_key = keep_prior_key(&prior_state.public_key, &mut s.public_key);
        if unchanged_key {
            s.fingerprint = prior_state.fingerprint.clone();
            s.fingerprint_md5 = prior_state.fingerprint_md5.clone();
            s.key_type = prior_state.key_type.clone();
        } else {
            // Replacement: Terraform plans the new object separately with plan_create.
            s.id = Value::Unknown;
            s.created_at = Value::Unknown;
            derive_from_key(diags, &mut s);
        }
        let renamed = unchanged_key && s.name != prior_state.name && s.name.is_value();
        if renamed {
            if let (Some(api), Some(id)) =
                (self.configured.try_api(), prior_state.id.as_deref_option())
            {
                gate::check(diags, &api, id, Action::Rename).await;
            }
        }
        Some((s, &["public_key"]))
    }

    async fn plan_destroy(&self, diags: &mut Diagnostics, prior_state: Self::State) {
        if let (Some(api), Some(id)) = (self.configured.try_api(), prior_state.id.as_deref_option())
        {
            gate::check(diags, &api, id, Action::Delete).await;
        }
    }

    async fn create(&self, diags: &mut Diagnostics, planned: Self::State) -> Option<Self::State> {
        let api = self.configured.api(diags)?;
        let name = planned.name.as_deref_option()?.to_string();
        let key = check_public_key(diags, &planned.public_key, "public_key")?;
        let fingerprint = key.fingerprint();
        // Send the key line without the surrounding whitespace of file().
        let sent = planned.public_key.as_deref_option()?.trim().to_string();
        let created = match api.create(&name, &sent, &fingerprint).await {
            Ok(created) => created.into_inner(),
            Err(CreateError::Duplicate { existing, .. }) => {
                duplicate_error(diags, existing.as_ref(), &fingerprint);
                return None;
            }
            Err(CreateError::Api(e)) => {
                api_error(diags, "Could not create the SSH key", &e);
                return None;
            }
        };
        let mut s = planned;
        s.id = string(&created.id);
        s.fingerprint = string(fingerprint);
        s.fingerprint_md5 = string(key.fingerprint_md5());
        s.key_type = string(key.key_type());
        s.created_at = Value::from(created.created_at.map(Cow::from));
        Some(s)
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State,
        planned_state: Self::State,
    ) -> Option<Self::State> {
        if planned_state.name == prior_state.name {
            return Some(planned_state);
        }
        let api = self.configured.api(diags)?;
        let id = prior_state.id.as_deref_option()?.to_string();
        let name = planned_state.name.as_deref_option()?.to_string();
        api.rename(&id, &name).await.or_report_at(
            diags,
            &format!("Could not rename SSH key {id}"),
            "name",
        )?;
        Some(planned_state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior_state: Self::State) -> Option<()> {
        let api = self.configured.api(diags)?;
        let id = prior_state.id.as_deref_option()?.to_string();
        // Terraform 1.0 does not plan destroys through the provider, so the gate is checked here
        // too, before anything is sent.
        match gate::check(diags, &api, &id, Action::Delete).await {
            Gate::Open => {}
            Gate::Gone => return Some(()),
            Gate::Refused => return None,
        }
        api.delete(&id)
            .await
            .or_report(diags, &format!("Could not delete SSH key {id}"))
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let Some(selector) = KeySelector::parse(&id) else {
            diags.root_error(
                "Invalid import ID",
                format!(
                    "\"{}\" names no key. {}\n\nList keys with the {} data source.",
                    clip(&id),
                    IMPORT.forms,
                    IMPORT.lister
                ),
            );
            return None;
        };
        let api = self.configured.api(diags)?;
        let keys = api.keys().await.or_report(
            diags,
            &format!("Could not import the SSH key with {selector}"),
        )?;
        let place = "this HostUp account";
        let k = find_one(diags, &IMPORT, &selector, place, &keys, |k| k.id.clone())?;
        Some(VpsKeyState::from_api(k))
    }
}
