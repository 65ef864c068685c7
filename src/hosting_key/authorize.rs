//! Authorizing an imported hosting key. An import reply with `authorized: false` means the key is
//! on the account but cannot be used to log in yet; HostUp's `…/actions/authorize` writes it to
//! the account's authorized keys. Until that succeeds the state says `authorized = false`: the
//! key is tracked (it is on the account) and never reported as usable, and the next plan
//! authorizes it (an in-place update) or, after a failed create, replaces it (Terraform taints a
//! resource whose create failed).

use super::state::HostingKeyState;
use super::store::HostingKeyStore;
use crate::tf::diagnostics::api_error;
use tf_provider::value::Value;
use tf_provider::Diagnostics;

/// Authorize the key of `s` and set `s.authorized`; an error diagnostic when HostUp refuses.
pub(super) async fn authorize(
    diags: &mut Diagnostics,
    api: &HostingKeyStore,
    s: &mut HostingKeyState,
) {
    let (Some(account), Some(fingerprint)) = (
        s.account_id.as_deref_option(),
        s.fingerprint.as_deref_option(),
    ) else {
        s.authorized = Value::Value(false);
        return;
    };
    match api.authorize(account, fingerprint).await {
        Ok(()) => s.authorized = Value::Value(true),
        Err(e) => {
            s.authorized = Value::Value(false);
            let what = format!(
                "SSH key {fingerprint} is on hosting account {account} but could not be authorized"
            );
            api_error(diags, &what, &e);
            diags.root_warning(
                "The key stays in the state with authorized = false",
                "It is on the account but cannot be used to log in yet. The next apply authorizes \
                 it again (or, after a failed create, replaces it).",
            );
        }
    }
}
