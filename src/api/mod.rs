//! HostUp API, in layers: [`transport`] sends one attempt and classifies its outcome, [`retry`]
//! decides what may be sent again and when, [`client`] has one method per operation,
//! [`create`] creates without duplicates, [`models`] are the wire shapes and [`errors`] the one
//! error type.

// ApiError carries everything a diagnostic shows; it is built only on failures, so its size
// does not matter.
#![allow(clippy::result_large_err)]

pub mod client;
pub mod create;
pub mod endpoint;
pub mod errors;
pub mod legacy;
pub mod models;
pub mod retry;
pub mod transport;

pub use client::{Client, ClientConfig};
pub use errors::{ApiError, ErrorKind};
pub use retry::RetryPolicy;
pub use transport::Secret;
