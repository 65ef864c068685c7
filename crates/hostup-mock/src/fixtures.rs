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

/// The example world's one VPS key (`hostup-mock` without `--seed` serves it; see
/// [`crate::Seed::example`]): the key the documentation's examples look up and reset with. Its
/// public key is `examples/data-sources/hostup_vps_ssh_key/keys/workstation.pub`.
pub const EXAMPLE_KEY_ID: &str = "ssh_01hxa3b4c5d6e7f8g9h0j1k2m3";
pub const EXAMPLE_KEY_NAME: &str = "workstation";
pub const EXAMPLE_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINLzx26LZBxbrbQSEvfthng/ZrbEH0ym+28D6GInE1H6 workstation@example.com";

/// The default shared-hosting account's primary domain.
pub const HOSTING_DOMAIN: &str = "example.se";

/// The default world's VPS (v2 id), named [`VPS_NAME`] with primary IP [`VPS_IP`].
pub const VPS_ID: &str = "vps_01hxa3b4c5d6e7f8g9h0j1k2m3";
pub const VPS_NAME: &str = "web-1";
pub const VPS_IP: &str = "203.0.113.10";
