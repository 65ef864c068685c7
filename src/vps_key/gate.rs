//! HostUp's `actions.canRename` / `canDelete` gates, checked before a rename or delete is sent
//! (at plan time, and again before the DELETE, since Terraform 1.0 does not plan destroys).

use super::store::VpsKeyStore;
use crate::api::text::clip;
use crate::tf::diagnostics::OrReport;
use tf_provider::{AttributePath, Diagnostics};

#[derive(Clone, Copy)]
pub enum Action {
    Rename,
    Delete,
}

pub enum Gate {
    /// HostUp allows the action on this key.
    Open,
    /// The key is no longer in the inventory.
    Gone,
    /// Blocked, or the lookup failed: a diagnostic says which.
    Refused,
}

/// Look the key up and refuse `action` when HostUp's inventory reports it blocked, before
/// anything is sent.
pub async fn check(diags: &mut Diagnostics, api: &VpsKeyStore, id: &str, action: Action) -> Gate {
    let Some(found) = api
        .find(id, false)
        .await
        .or_report(diags, &format!("Could not check SSH key {id}"))
    else {
        return Gate::Refused;
    };
    let Some(k) = found else { return Gate::Gone };
    let actions = k.actions.as_ref();
    let gate = match action {
        Action::Rename => actions.and_then(|a| a.can_rename.as_ref()),
        Action::Delete => actions.and_then(|a| a.can_delete.as_ref()),
    };
    let Some(g) = gate.filter(|g| !g.allowed) else {
        return Gate::Open;
    };
    match action {
        Action::Rename => diags.error(
            "HostUp does not allow renaming this SSH key now",
            format!(
                "SSH key {id} (\"{}\") cannot be renamed: {g}. Nothing was sent. Keep the current name \
                 until HostUp allows the rename.",
                clip(&k.name)
            ),
            AttributePath::new("name"),
        ),
        Action::Delete => diags.root_error(
            "HostUp does not allow deleting this SSH key now",
            format!(
                "SSH key {id} (\"{}\") cannot be deleted: {g}. Nothing was sent; the key stays in the \
                 state. Run the destroy again once HostUp allows it.",
                clip(&k.name)
            ),
        ),
    }
    Gate::Refused
}
