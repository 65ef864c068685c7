//! What the provider block configured, handed to every resource and data source of the process:
//! set once by the provider's configure, read by the objects. Generic over what is handed out
//! (the client, or an object's store), so the provider lists the objects' constructors without
//! the objects importing the provider.

use std::sync::{Arc, OnceLock};
use tf_provider::Diagnostics;

pub struct Configured<T>(Arc<OnceLock<Arc<T>>>);

impl<T> Clone for Configured<T> {
    fn clone(&self) -> Self {
        Configured(self.0.clone())
    }
}

impl<T> Default for Configured<T> {
    fn default() -> Self {
        Configured(Arc::default())
    }
}

impl<T> Configured<T> {
    /// The configured value, or an error diagnostic when the provider could not be configured.
    pub fn api(&self, diags: &mut Diagnostics) -> Option<Arc<T>> {
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

    /// The configured value, without a diagnostic (for optional plan-time checks).
    pub fn try_api(&self) -> Option<Arc<T>> {
        self.0.get().cloned()
    }

    /// Terraform configures a provider process once; a second call keeps the first value.
    pub fn set(&self, value: T) {
        let _ = self.0.set(Arc::new(value));
    }
}
