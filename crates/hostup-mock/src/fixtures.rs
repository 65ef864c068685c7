//! The default world's fixed values: one definition for the mock's own default seed, its tests,
//! the provider's acceptance tests and `hostup-bench`. Test keys are in `hostup-testkit`.

/// The default world's API token; it has every scope.
pub const TOKEN: &str = "mock-token";
/// The account the default token, hosting account and VM belong to.
pub const ACCOUNT_ID: &str = "20000";
/// The default world's shared-hosting account.
pub const HOSTING_ACCOUNT_ID: &str = "acct_01hxa3b4c5d6e7f8g9h0j1k2m3";
/// The default world's VM.
pub const VMID: u64 = 10000;
/// The default world's VPS (v2 id), named [`VPS_NAME`] with primary IP [`VPS_IP`].
pub const VPS_ID: &str = "vps_01hxa3b4c5d6e7f8g9h0j1k2m3";
pub const VPS_NAME: &str = "web-1";
pub const VPS_IP: &str = "203.0.113.10";
