//! Shared-hosting accounts (`GET /api/v2/shared-hosting`): the `hostup_hosting_accounts` data
//! source, so a configuration finds its `account_id` instead of pasting it.

pub mod data_source;
pub mod store;

pub use data_source::HostingAccountsDataSource;
