//! HTTP-level tests of the mock HostUp API (`hostup_mock`), driven with reqwest. One test binary;
//! the modules group the tests by area and share the request helpers of `common`.

mod common;

mod admin;
mod auth;
mod contract;
mod faults;
mod hosting;
mod instances;
mod profiles;
mod ratelimit;
mod robustness;
mod server_text;
mod tls;
mod v1;
mod vps;
