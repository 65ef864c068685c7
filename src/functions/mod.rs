//! Provider-defined functions (Terraform ≥ 1.8, OpenTofu ≥ 1.7), one file each: what the provider
//! knows about an OpenSSH public key, computed locally by [`crate::ssh_key`] with the key
//! resources' acceptance rules. Older CLIs never call them: plugin protocol 6.0 has no functions,
//! and they skip the schema's `functions` field.

mod ssh_fingerprint;
mod ssh_public_key;

pub use ssh_fingerprint::SshFingerprint;
pub use ssh_public_key::{KeyFacts, SshPublicKey};

use crate::ssh_key::PublicKey;
use crate::tf::public_key::{parse_usable, refusal};
use serde::Deserialize;
use std::collections::HashMap;
use tf_provider::schema::{Description, FunctionSchema, Parameter, Type};
use tf_provider::{map, AttributePath, Diagnostics, DynamicFunction};

/// Every function, by the name Terraform calls it with (`provider::hostup::<name>`).
pub fn all() -> HashMap<String, Box<dyn DynamicFunction>> {
    map! {
        SshFingerprint::NAME => SshFingerprint,
        SshPublicKey::NAME => SshPublicKey,
    }
}

/// The one argument every function takes.
#[derive(Debug, Deserialize)]
pub struct KeyArgument {
    pub public_key: String,
}

impl KeyArgument {
    /// The key, or a function error on the argument (Terraform shows it as `Invalid value for
    /// "public_key" parameter`), with the same message the resources give: a key the resources
    /// refuse (too small for sshd, say) is refused here too. Functions cannot warn, so a weak key
    /// is returned as is (`bits` shows its size).
    fn parse(&self, diags: &mut Diagnostics) -> Option<PublicKey> {
        match parse_usable(&self.public_key) {
            Ok(k) => Some(k),
            Err(e) => {
                let (summary, detail) = refusal(&e);
                // Terraform ends the message with a full stop of its own.
                let detail = detail.trim_end_matches('.').to_string();
                diags.error(summary, detail, AttributePath::function_argument(0));
                None
            }
        }
    }
}

/// A function of [`KeyArgument`] returning `return_type`.
fn schema(summary: &str, description: &str, return_type: Type) -> FunctionSchema {
    FunctionSchema {
        parameters: vec![Parameter {
            name: "public_key".into(),
            param_type: Type::String,
            // Terraform refuses null itself, and returns unknown for an unknown key without
            // calling us.
            allow_null: false,
            allow_unknown: false,
            description: Description::markdown(
                "OpenSSH public key line (`<type> <base64> [comment]`), e.g. \
                 `file(\"~/.ssh/id_ed25519.pub\")`. Surrounding whitespace and the trailing newline \
                 are ignored; private keys and anything else are refused.",
            ),
        }],
        variadic: None,
        return_type,
        summary: summary.into(),
        description: Description::markdown(description),
        deprecated: None,
    }
}
