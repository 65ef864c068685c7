//! The API once the provider block is configured: set by the provider, read by every resource and
//! data source of the process. It sits below them all, so the provider can list their
//! constructors without the objects importing the provider.

use crate::inventory::Inventory;
use std::sync::{Arc, OnceLock};
use tf_provider::Diagnostics;

#[derive(Clone, Default)]
pub struct Configured(Arc<OnceLock<Arc<Inventory>>>);

impl Configured {
    /// The API, or an error diagnostic when the provider could not be configured.
    pub fn api(&self, diags: &mut Diagnostics) -> Option<Arc<Inventory>> {
        let api = self.try_api();
        if api.is_none() {
            diags.root_error(
                "The hostup provider is not configured",
                "The provider block could not be configured (see the errors above), or its api_key or \
                 endpoint depends on values that are only known after apply. Set them to known values.",
            );
        }
        api
    }

    /// The API when configured, without a diagnostic (for optional plan-time checks).
    pub fn try_api(&self) -> Option<Arc<Inventory>> {
        self.0.get().cloned()
    }

    /// Terraform configures a provider process once; a second call keeps the first API.
    pub fn set(&self, inventory: Inventory) {
        let _ = self.0.set(Arc::new(inventory));
    }
}
