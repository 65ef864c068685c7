//! HostUp API: typed models, the HTTP client and its error type.

// ApiError carries everything a diagnostic shows; it is built only on failures, so its size
// does not matter.
#![allow(clippy::result_large_err)]

pub mod client;
pub mod create;
pub mod errors;
pub mod models;

pub use client::{Client, ClientConfig, RetryPolicy, Secret};
pub use errors::{ApiError, ErrorKind};
