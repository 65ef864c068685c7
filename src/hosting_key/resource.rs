//! `hostup_hosting_ssh_key`: a public key imported ("import on create") and authorized on a
//! shared-hosting account.
//!
//! HostUp has no rename for hosting keys, so every argument forces replacement. Before importing,
//! the account's `actions.canAdd` gate is checked, as HostUp's reference asks.

use super::attributes::{self as attr, check_account_id};
use super::authorize::authorize;
use super::removal::{check_nameable, destroy};
use super::state::HostingKeyState;
use super::store::HostingKeyStore;
use crate::api::models::{HostingKeyList, HostingSshKey};
use crate::api::text::clip;
use crate::api::{ApiError, CreateError, Outcome};
use crate::configured::Configured;
use crate::ssh_key::{same_key, PublicKey};
use crate::tf::adapter::Managed;
use crate::tf::diagnostics::api_error;
use crate::tf::import_id::{find_one, ImportKind, KeySelector};
use crate::tf::public_key::{check_public_key, keep_prior_key, md5_of, warn_if_weak};
use crate::tf::schema::{computed, required, schema};
use crate::tf::validate::{
    check_name, check_not_null, import_hint, segment_problem, warn_claimed_twice,
};
use crate::tf::value::string;
use async_trait::async_trait;
use std::borrow::Cow;
use std::sync::Arc;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{map, AttributePath, Diagnostics};

pub struct HostingSshKeyResource {
    configured: Configured<HostingKeyStore>,
}

impl HostingSshKeyResource {
    pub const TYPE_NAME: &'static str = "hostup_hosting_ssh_key";

    pub fn new(configured: Configured<HostingKeyStore>) -> Self {
        HostingSshKeyResource { configured }
    }
}

const TYPE_NAME: &str = HostingSshKeyResource::TYPE_NAME;
const IMPORT: ImportKind = ImportKind {
    type_name: TYPE_NAME,
    lister: super::HostingSshKeysDataSource::TYPE_NAME,
    forms: "An import ID is accountId/keyId, accountId/SHA256:<fingerprint>, accountId/<MD5 \
            fingerprint> or accountId/name:<name>, e.g.\n\n  terraform import \
            hostup_hosting_ssh_key.deploy \
            acct_01hxa3b4c5d6e7f8g9h0j1k2m3/ssh_01hxa3b4c5d6e7f8g9h0j1k2m3\n  terraform import \
            hostup_hosting_ssh_key.deploy \
            acct_01hxa3b4c5d6e7f8g9h0j1k2m3/SHA256:6Rv2pQQB27eVRAw+ah0Oc9Exn3Fg8v35+uf7Q2fmKfo",
};

/// Set the attributes derived from `public_key`: all unknown while the key is unknown.
fn derive_from_key(diags: &mut Diagnostics, s: &mut HostingKeyState) {
    if s.public_key.is_unknown() {
        s.fingerprint = Value::Unknown;
        s.fingerprint_md5 = Value::Unknown;
        s.key_type = Value::Unknown;
        s.bits = Value::Unknown;
        s.comment = Value::Unknown;
    } else if let Some(k) = check_public_key(diags, &s.public_key, "public_key") {
        s.fingerprint = string(k.fingerprint());
        s.fingerprint_md5 = string(k.fingerprint_md5());
        s.key_type = string(k.key_type());
        s.bits = Value::Value(k.bits() as i64);
        s.comment = Value::from(k.comment().map(str::to_string).map(Cow::from));
    }
}

/// True when the state has no key material (HostUp listed the key with `publicKey: null`) and the
/// configuration gives the key with that fingerprint.
fn gives_withheld_key(prior: &HostingKeyState, proposed: &HostingKeyState) -> bool {
    let given = proposed
        .public_key
        .as_deref_option()
        .and_then(|k| PublicKey::parse(k).ok());
    prior.public_key.is_null()
        && given
            .is_some_and(|k| prior.fingerprint.as_deref_option() == Some(k.fingerprint().as_str()))
}

/// The import ID is `accountId/<key>`, the key named as [`KeySelector`] reads it.
fn split_import_id(id: &str) -> Option<(String, KeySelector)> {
    let (account, key) = id.trim().split_once('/')?;
    let account_ok = segment_problem(account).is_none();
    let key = KeySelector::parse(key)?;
    account_ok.then(|| (account.to_string(), key))
}

/// Error for a key already on the account, naming it and the import command.
fn already_there(diags: &mut Diagnostics, account: &str, existing: Option<&HostingSshKey>) {
    let detail = match existing {
        Some(k) => format!(
            "This key is already authorized on hosting account {account} as id \"{}\" (name \"{}\"). \
             To manage it with this resource, adopt it instead of importing it again:\n\n{}",
            clip(&k.id),
            clip(&k.name),
            import_hint(TYPE_NAME, &format!("{account}/{}", clip(&k.id)))
        ),
        None => format!(
            "This key is already authorized on hosting account {account}. Find its id with the \
             hostup_hosting_ssh_keys data source and adopt it with\n\n{}",
            import_hint(TYPE_NAME, &format!("{account}/<key id>"))
        ),
    };
    diags.error(
        "SSH key already on the hosting account",
        detail,
        AttributePath::new("public_key"),
    );
}

/// HostUp answered that the account itself does not exist.
fn account_gone(e: &ApiError) -> bool {
    e.outcome() == Outcome::Gone
}

async fn list(
    diags: &mut Diagnostics,
    api: &HostingKeyStore,
    account: &str,
) -> Option<Arc<HostingKeyList>> {
    match api.keys(account).await {
        Ok(l) => Some(l),
        Err(e) if account_gone(&e) => {
            diags.error(
                "Hosting account not found",
                format!(
                    "HostUp has no shared-hosting account \"{account}\" for this API key ({e}). Check \
                     account_id: it is the `id` of the account in HostUp's shared-hosting account list."
                ),
                AttributePath::new("account_id"),
            );
            None
        }
        Err(e) => {
            let what = format!("Could not list the SSH keys of hosting account {account}");
            api_error(diags, &what, &e);
            None
        }
    }
}

/// Refuse when the account's `canAdd` gate is closed. `when` says what was (not) done.
fn gate_closed(diags: &mut Diagnostics, account: &str, list: &HostingKeyList, when: &str) -> bool {
    let gate = &list.actions.can_add;
    if !gate.allowed {
        diags.error(
            "HostUp does not allow adding SSH keys to this hosting account now",
            format!("Hosting account {account} does not accept new SSH keys: {gate}. {when}"),
            AttributePath::new("account_id"),
        );
    }
    !gate.allowed
}

#[async_trait]
impl Managed for HostingSshKeyResource {
    type State = HostingKeyState;

    fn schema(&self) -> Schema {
        schema(
            "An OpenSSH public key imported and authorized on a HostUp shared-hosting account. HostUp \
                     cannot rename hosting keys, so every argument forces a new resource; the old key \
                     is removed by its fingerprint. Scopes: `read:hosting` and `console:services` to \
                     read, `write:hosting` and `console:services` to import, authorize and remove.",
            map! {
                "id" => computed(AttributeType::String, attr::ID),
                "account_id" => required(AttributeType::String, &format!("{} Forces a new resource.", attr::ACCOUNT_ID)),
                "name" => required(AttributeType::String, &format!("{} Forces a new resource (HostUp has no rename for hosting keys).", attr::NAME)),
                "public_key" => required(AttributeType::String, &format!(
                    "{} Forces a new resource when the key changes; a different comment, whitespace or trailing \
                     newline is not a change. Private keys are refused at plan time.",
                    attr::PUBLIC_KEY
                )),
                "fingerprint" => computed(AttributeType::String, attr::FINGERPRINT),
                "fingerprint_md5" => computed(AttributeType::String, attr::FINGERPRINT_MD5),
                "key_type" => computed(AttributeType::String, attr::KEY_TYPE),
                "bits" => computed(AttributeType::Number, attr::BITS),
                "comment" => computed(AttributeType::String, attr::COMMENT),
                "authorized" => computed(AttributeType::Bool, attr::AUTHORIZED),
            },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        check_not_null(diags, "account_id", &config.account_id);
        check_not_null(diags, "name", &config.name);
        check_not_null(diags, "public_key", &config.public_key);
        check_name(diags, &config.name, "name");
        if let Some(k) = check_public_key(diags, &config.public_key, "public_key") {
            warn_if_weak(diags, &k, "public_key");
        }
        check_account_id(diags, &config.account_id);
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let (Some(account), Some(id)) = (
            state.account_id.as_deref_option().map(str::to_string),
            state.id.as_deref_option().map(str::to_string),
        ) else {
            return Some(state);
        };
        let Some(api) = self.configured.api(diags) else {
            return Some(state);
        };
        // Only a complete list may say that the key is gone. An account HostUp says does not exist
        // keeps the key in the state with a warning, so that destroying it still works.
        let list = match api.keys(&account).await {
            Ok(l) => l,
            Err(e) if account_gone(&e) => {
                diags.root_warning(
                    format!("Hosting account {account} does not exist on HostUp"),
                    format!(
                        "HostUp answered that account {account} does not exist ({e}). SSH key {id} is kept \
                         in the state: if the account was closed, its keys went with it and destroying \
                         this resource (or removing it from the configuration) only forgets it. If this is \
                         unexpected, check account_id and the API key."
                    ),
                );
                return Some(state);
            }
            Err(e) => {
                let what = format!("Could not list the SSH keys of hosting account {account}");
                api_error(diags, &what, &e);
                return Some(state);
            }
        };
        match list.ssh_keys.iter().find(|k| k.id == id) {
            Some(k) => {
                if !api.claim(&format!("{account}/{id}")) {
                    warn_claimed_twice(diags, TYPE_NAME, &format!("{account}/{id}"));
                }
                let mut s = state;
                let fresh = HostingKeyState::from_api(&account, k);
                s.name = fresh.name;
                let same = match (s.public_key.as_deref_option(), k.public_key.as_deref()) {
                    (Some(a), Some(b)) => same_key(a, b),
                    // HostUp may not return the key material; the fingerprint still identifies it.
                    (_, None) => fresh.fingerprint.is_null() || fresh.fingerprint == s.fingerprint,
                    _ => false,
                };
                if !same {
                    s.public_key = fresh.public_key;
                    s.fingerprint = fresh.fingerprint;
                    s.key_type = fresh.key_type;
                    s.bits = fresh.bits;
                    s.comment = fresh.comment;
                }
                // From the key material known, HostUp's or the state's; also fills in states
                // written before the attribute existed.
                s.fingerprint_md5 = md5_of(&s.public_key);
                // The list does not say whether a key is authorized: the state keeps what the
                // import or authorize reply said.
                Some(s)
            }
            None => {
                diags.root_warning(
                    format!("SSH key {id} is no longer on hosting account {account}"),
                    "It was removed outside Terraform. It has been removed from the state, and the next plan \
                     imports it again.",
                );
                None
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
        s.authorized = Value::Unknown;
        derive_from_key(diags, &mut s);
        // This runs for creates and for the new half of a replacement: a closed canAdd gate must
        // stop the plan before anything is destroyed.
        if let (Some(api), Some(account)) =
            (self.configured.try_api(), s.account_id.as_deref_option())
        {
            let current = list(diags, &api, account).await?;
            let when = "Nothing will be changed; plan again once HostUp accepts keys.";
            if gate_closed(diags, account, &current, when) {
                return None;
            }
        }
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
        let unchanged = keep_prior_key(&prior_state.public_key, &mut s.public_key);
        let withheld = !unchanged && gives_withheld_key(&prior_state, &s);
        if unchanged || withheld {
            s.fingerprint = prior_state.fingerprint.clone();
            s.fingerprint_md5 = match withheld {
                true => md5_of(&s.public_key),
                false => prior_state.fingerprint_md5.clone(),
            };
            s.key_type = prior_state.key_type.clone();
            s.bits = prior_state.bits;
            s.comment = prior_state.comment.clone();
        } else {
            derive_from_key(diags, &mut s);
        }
        let key_changed = s.public_key != prior_state.public_key && !withheld;
        let replaced =
            key_changed || s.name != prior_state.name || s.account_id != prior_state.account_id;
        if replaced {
            s.id = Value::Unknown;
            s.authorized = Value::Unknown;
            if let Some(api) = self.configured.try_api() {
                let planned = "This plan replaces the key";
                check_nameable(diags, &api, &prior_state, planned).await;
            }
        } else if prior_state.authorized == Value::Value(false) {
            // Imported but not authorized (the authorize failed): authorize it in place.
            s.authorized = Value::Unknown;
        }
        if withheld {
            // Only the state learns the key: nothing to send, nothing to replace. (Terraform
            // refuses a plan that keeps a null prior value against a configured one, so this is
            // an in-place update of the state rather than an empty plan.)
            return Some((s, &["account_id", "name"]));
        }
        Some((s, &["account_id", "name", "public_key"]))
    }

    async fn create(&self, diags: &mut Diagnostics, planned: Self::State) -> Option<Self::State> {
        let api = self.configured.api(diags)?;
        let account = planned.account_id.as_deref_option()?.to_string();
        let name = planned.name.as_deref_option()?.to_string();
        let key = check_public_key(diags, &planned.public_key, "public_key")?;

        // HostUp asks callers to check the canAdd gate before importing.
        let current = list(diags, &api, &account).await?;
        if gate_closed(diags, &account, &current, "No import request was sent.") {
            return None;
        }
        let sent = planned.public_key.as_deref_option()?.trim().to_string();
        match api.import(&account, &name, &key, &sent).await {
            Ok(imported) => {
                let mut s = planned;
                s.id = string(&imported.key.into_inner().id);
                s.authorized = Value::Value(imported.authorized);
                if !imported.authorized {
                    // On failure the key is in the state, with the error: it is on the account.
                    authorize(diags, &api, &mut s).await;
                }
                Some(s)
            }
            Err(CreateError::Duplicate { existing, .. }) => {
                already_there(diags, &account, existing.as_ref());
                None
            }
            Err(CreateError::Api(e)) => {
                let what = format!("Could not import the SSH key onto hosting account {account}");
                api_error(diags, &what, &e);
                None
            }
        }
    }

    async fn plan_destroy(&self, diags: &mut Diagnostics, prior: Self::State) {
        if let Some(api) = self.configured.try_api() {
            check_nameable(diags, &api, &prior, "This plan removes the key").await;
        }
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        planned: Self::State,
    ) -> Option<Self::State> {
        let mut s = planned;
        if s.authorized.is_unknown() {
            let api = self.configured.api(diags)?;
            authorize(diags, &api, &mut s).await;
        } else {
            s.authorized = prior.authorized;
        }
        Some(s)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior_state: Self::State) -> Option<()> {
        let api = self.configured.api(diags)?;
        destroy(diags, &api, &prior_state).await
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let Some((account, selector)) = split_import_id(&id) else {
            diags.root_error(
                "Invalid import ID",
                format!("\"{}\" names no key. {}", clip(&id), IMPORT.forms),
            );
            return None;
        };
        let api = self.configured.api(diags)?;
        let list = list(diags, &api, &account).await?;
        let place = format!("hosting account {account}");
        let k = find_one(diags, &IMPORT, &selector, &place, &list.ssh_keys, |k| {
            format!("{account}/{}", k.id)
        })?;
        Some(HostingKeyState::from_api(&account, k))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn removal_names_this_resource() {
        assert_eq!(super::super::removal::TYPE_NAME, super::TYPE_NAME);
    }

    use super::split_import_id;
    use crate::tf::import_id::KeySelector;

    #[test]
    fn import_ids() {
        assert_eq!(
            split_import_id("acct_1/ssh_2"),
            Some(("acct_1".into(), KeySelector::Id("ssh_2".into())))
        );
        let fp = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI";
        assert_eq!(
            split_import_id(&format!("acct_1/{fp}")),
            Some(("acct_1".into(), KeySelector::Fingerprint(fp.into())))
        );
        for bad in [
            "",
            "acct_1",
            "/ssh_2",
            "acct_1/",
            "a/b/c",
            "a b/c",
            "./ssh_2",
            "../ssh_2",
            "acct_1/.",
            "acct_1/..",
            "a\u{1}/c",
        ] {
            assert_eq!(split_import_id(bad), None, "{bad:?}");
        }
    }
}
