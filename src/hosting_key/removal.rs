//! Removing a hosting key. HostUp names the key by its `SHA256:` fingerprint, not its id: the
//! fingerprint HostUp lists, derived from the listed `publicKey` where the list gives
//! `fingerprint: null`, else the state's. A key listed with neither cannot be named, which the
//! plan says (an error: the apply could only fail, possibly after changing other resources of
//! the same run, and a plan that fails changes nothing).

use super::state::HostingKeyState;
use super::store::HostingKeyStore;
use crate::api::models::HostingSshKey;
use crate::api::text::clip;
use crate::api::{Outcome, Removal};
use crate::tf::diagnostics::api_error;
use tf_provider::Diagnostics;

/// The fingerprint that names the key on the account: the listed key's, else the state's.
fn name_of(state: &HostingKeyState, listed: Option<&HostingSshKey>) -> Option<String> {
    listed
        .and_then(HostingSshKey::derived_fingerprint)
        .or_else(|| state.fingerprint.as_deref_option().map(str::to_string))
}

/// Where the key stands on the account: `Ok(None)` when the account (or the key) is gone.
async fn listed(
    diags: &mut Diagnostics,
    api: &HostingKeyStore,
    account: &str,
    id: &str,
) -> Option<Option<HostingSshKey>> {
    match api.keys(account).await {
        Ok(list) => Some(list.ssh_keys.iter().find(|k| k.id == id).cloned()),
        Err(e) if e.outcome() == Outcome::Gone => Some(None),
        Err(e) => {
            let what = format!("Could not list the SSH keys of hosting account {account}");
            api_error(diags, &what, &e);
            None
        }
    }
}

fn cannot_name(diags: &mut Diagnostics, account: &str, id: &str, planned: &str) {
    let id = clip(id);
    diags.root_error(
        format!("SSH key {id} cannot be named for removal"),
        format!(
            "{planned}, but HostUp lists SSH key {id} on hosting account {account} with neither a \
             fingerprint nor its public key, and HostUp removes a hosting key by its fingerprint, \
             so the provider cannot remove it. Nothing was changed. Remove the key in HostUp's \
             control panel (the hosting account's SSH keys) and plan again (the key then leaves \
             the state and is imported anew), or stop managing it. {}",
            stop_managing_hint()
        ),
    );
}

/// At plan: refuse a destroy or replacement of a key that cannot be named. Costs a request only
/// when the state has no fingerprint (a key adopted by `terraform import` from a list without
/// one).
pub(super) async fn check_nameable(
    diags: &mut Diagnostics,
    api: &HostingKeyStore,
    prior: &HostingKeyState,
    planned: &str,
) {
    let (Some(account), Some(id)) = (
        prior.account_id.as_deref_option(),
        prior.id.as_deref_option(),
    ) else {
        return;
    };
    if prior.fingerprint.as_deref_option().is_some() {
        return;
    }
    if let Some(Some(k)) = listed(diags, api, account, id).await {
        if name_of(prior, Some(&k)).is_none() {
            cannot_name(diags, account, id, planned);
        }
    }
}

/// Remove the key of `prior` from its account; `None` (with the reason) when it is not removed,
/// and the key stays in the state.
pub(super) async fn destroy(
    diags: &mut Diagnostics,
    api: &HostingKeyStore,
    prior: &HostingKeyState,
) -> Option<()> {
    let account = prior.account_id.as_deref_option()?;
    let id = prior.id.as_deref_option()?;
    let Some(k) = listed(diags, api, account, id).await? else {
        // No longer on the account (or the account is gone): nothing to remove.
        return Some(());
    };
    let Some(fingerprint) = name_of(prior, Some(&k)) else {
        cannot_name(diags, account, id, "The key is to be removed");
        return None;
    };
    let removal = api.remove(account, id, &fingerprint).await;
    // Both may come from HostUp's list: clipped before they reach a diagnostic.
    let (id, fingerprint) = (clip(id), clip(&fingerprint));
    let (summary, why) = match removal {
        Ok(Removal::Removed) => return Some(()),
        Ok(Removal::NoOperation(answer)) => (
            "HostUp's API cannot remove a key from a hosting account",
            format!(
                "This server has no operation to remove an SSH key from a shared-hosting account \
                 ({answer})"
            ),
        ),
        Ok(Removal::NotFoundWhileListed(answer)) => (
            "HostUp did not remove the key from the hosting account",
            format!(
                "HostUp answered that it has no key with fingerprint {fingerprint} ({answer}), but \
                 the account's key list still shows it"
            ),
        ),
        Err(e) => {
            let what = format!("Could not remove SSH key {id} from hosting account {account}");
            api_error(diags, &what, &e);
            diags.root_warning("The key stays in the state", stop_managing_hint());
            return None;
        }
    };
    diags.root_error(
        summary,
        format!(
            "{why}. SSH key {id} is still authorized on hosting account {account} and stays in the \
             state. Remove it by hand in HostUp's control panel (the hosting account's SSH keys), \
             then run the destroy again, or stop managing it. {}",
            stop_managing_hint()
        ),
    );
    None
}

/// The resource's type name, spelled here so that this file needs nothing of `resource.rs`
/// (which calls it); a test there holds the two together.
pub(super) const TYPE_NAME: &str = "hostup_hosting_ssh_key";

/// How to stop managing a key that Terraform cannot remove.
pub fn stop_managing_hint() -> String {
    format!(
        "To stop managing it without removing it, run\n\n  terraform state rm {TYPE_NAME}.<name>\n\nor, \
         with Terraform 1.7 or later, replace the resource block with\n\n  removed {{\n    from = \
         {TYPE_NAME}.<name>\n    lifecycle {{\n      destroy = false\n    }}\n  }}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tf::value::string;

    #[test]
    fn the_listed_fingerprint_names_the_key_else_the_state() {
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        let derived = crate::ssh_key::PublicKey::parse(key).unwrap().fingerprint();
        let state = HostingKeyState {
            fingerprint: string("SHA256:from-state"),
            ..HostingKeyState::default()
        };
        let listed = |fingerprint: Option<&str>, public_key: Option<&str>| HostingSshKey {
            id: "ssh_1".into(),
            fingerprint: fingerprint.map(str::to_string),
            public_key: public_key.map(str::to_string),
            ..HostingSshKey::default()
        };
        let named = |k: &HostingSshKey, s: &HostingKeyState| name_of(s, Some(k));
        assert_eq!(
            named(&listed(Some("SHA256:listed"), None), &state).unwrap(),
            "SHA256:listed"
        );
        assert_eq!(named(&listed(None, Some(key)), &state).unwrap(), derived);
        assert_eq!(
            named(&listed(None, None), &state).unwrap(),
            "SHA256:from-state"
        );
        assert_eq!(
            named(&listed(None, None), &HostingKeyState::default()),
            None
        );
    }
}
