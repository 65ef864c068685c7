//! Shared-hosting accounts: `GET /api/v2/shared-hosting` (scope `read:hosting`), every page.

use super::core::Core;
use super::errors::ApiError;
use super::models::HostingAccount;
use super::pages::{every_page, Listed};

const ACCOUNTS: [&str; 3] = ["api", "v2", "shared-hosting"];

/// The account list (from [`super::Client::hosting_accounts`]).
pub struct HostingAccounts<'a> {
    pub(super) core: &'a Core,
}

impl Listed for HostingAccount {
    fn list_id(&self) -> &str {
        &self.id
    }
}

impl HostingAccounts<'_> {
    /// Every account of the API key, all pages (see [`super::pages`]).
    pub async fn list(&self) -> Result<Vec<HostingAccount>, ApiError> {
        every_page(self.core, &ACCOUNTS, &[], "account").await
    }
}
