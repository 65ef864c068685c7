//! The plan-time look-ups of `hostup_vm_ssh_reset`: key ids that are known and absent from the
//! account's VPS key inventory, and a `vps_id` absent from its VPS list, are refused before the
//! reset (and the restart) is planned. Both read the process's shared copies (the stores), so a
//! plan with many resets costs one read of each list.
//!
//! A list that cannot be read refuses nothing: the reset is planned unchecked, with a warning
//! saying why, and the reset's own request is the judge. Only a 401 fails the plan: the same key
//! would fail the reset too. A 403 does not, since the reset needs other scopes than the list.

use super::check::Form;
use super::state::VmResetState;
use crate::api::{ApiError, Outcome};
use crate::tf::diagnostics::api_error_at;
use crate::tf::validate::quoted;
use crate::vps_instance::store::VpsInstanceStore;
use crate::vps_key::store::VpsKeyStore;
use tf_provider::{AttributePath, Diagnostics};

/// A list read failed: an error when the reset would fail the same way, else a warning.
fn unreadable(diags: &mut Diagnostics, list: &str, attr: &str, e: &ApiError) {
    if e.outcome() == Outcome::Unauthorized {
        api_error_at(diags, &format!("Could not read {list}"), e, attr);
        return;
    }
    diags.warning(
        format!("Could not check `{attr}` against {list}"),
        format!(
            "{e}\n\nThe reset is planned without this check; HostUp refuses ids it does not know \
             when the reset is sent."
        ),
        AttributePath::new(attr.to_string()),
    );
}

/// The ids of `key_ids` that are known at plan time.
fn known_ids(s: &VmResetState) -> Vec<String> {
    s.key_ids
        .iter()
        .flatten()
        .filter_map(|k| k.as_deref_option().map(str::to_string))
        .collect()
}

/// Refuse known key ids that are not in the inventory (for the v1 reset, legacy numeric ids
/// are looked up in the legacy view).
pub async fn check_keys(
    diags: &mut Diagnostics,
    store: &VpsKeyStore,
    s: &VmResetState,
    form: &Form,
) {
    let ids = known_ids(s);
    if ids.is_empty() {
        return;
    }
    let keys = match store.keys().await {
        Ok(k) => k,
        Err(e) => return unreadable(diags, "the VPS SSH key inventory", "key_ids", &e),
    };
    let v1 = matches!(form, Form::V1(_));
    let listed = |id: &str| {
        keys.iter()
            .any(|k| k.id == id || (v1 && k.display_id.as_deref() == Some(id)))
    };
    let mut absent: Vec<String> = ids.into_iter().filter(|id| !listed(id)).collect();
    let numeric = |id: &String| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    if v1 && absent.iter().any(numeric) {
        // The v1 reset's published example sends numeric ids of the legacy view. Where that view
        // cannot be read (None, or an error), whether they exist is unknown: not refused.
        match store.legacy_keys().await {
            Ok(Some(legacy)) => {
                absent.retain(|id| !legacy.iter().any(|l| l.id.to_string() == *id));
            }
            Ok(None) | Err(_) => absent.retain(|id| !numeric(id)),
        }
    }
    if absent.is_empty() {
        return;
    }
    let names: Vec<String> = absent.iter().map(|id| quoted(id)).collect();
    let hint = if !v1 && absent.iter().any(numeric) {
        " The v2 reset (`vps_id`) takes the keys' `ssh_…` ids (hostup_vps_ssh_key.x.id), not \
         legacy numeric ids."
    } else {
        ""
    };
    diags.error(
        "SSH keys not found",
        format!(
            "`key_ids` holds {} that the account's VPS SSH key inventory does not list: {}. \
             Nothing was sent. Use ids of existing keys, e.g. hostup_vps_ssh_key.deploy.id or \
             the ids of the hostup_vps_ssh_keys data source.{hint}",
            if absent.len() == 1 { "an id" } else { "ids" },
            names.join(", ")
        ),
        AttributePath::new("key_ids"),
    );
}

/// Refuse a known `vps_id` that the account's VPS list does not list.
pub async fn check_vps(diags: &mut Diagnostics, store: &VpsInstanceStore, form: &Form) {
    let Form::V2(Some(id)) = form else {
        return;
    };
    let all = match store.all().await {
        Ok(all) => all,
        Err(e) => return unreadable(diags, "the account's VPS list", "vps_id", &e),
    };
    if all.iter().any(|v| v.id == *id) {
        return;
    }
    diags.error(
        "VPS not found",
        format!(
            "`vps_id` is {}, but the account's VPS list ({} VPS) has no VPS with this id. \
             Nothing was sent. Take the id from the hostup_vps_instances data source, e.g. \
             one(data.hostup_vps_instances.web.instances).id.",
            quoted(id),
            all.len()
        ),
        AttributePath::new("vps_id"),
    );
}
