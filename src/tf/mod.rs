//! The Terraform side's vocabulary, shared by every HostUp object's room: schema builders
//! ([`schema`]), value conversions ([`value`]), API failures as diagnostics ([`diagnostics`]),
//! checks of the arguments every object has ([`validate`]), the `public_key` attribute's
//! parsing and identity ([`public_key`]), read-only attributes set in configuration
//! ([`read_only`]), how an import ID names a key ([`import_id`]) and a block of at most one
//! ([`block`]).

pub mod adapter;
pub mod block;
pub mod diagnostics;
pub mod import_id;
pub mod number;
pub mod public_key;
pub mod read_only;
pub mod schema;
pub mod validate;
pub mod value;
