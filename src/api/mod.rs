//! HostUp API: typed models, the HTTP client and its error type.

pub mod models;
