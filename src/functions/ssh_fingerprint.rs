//! `provider::hostup::ssh_fingerprint(public_key)`: the key's `SHA256:` fingerprint.

use super::{schema, KeyArgument};
use async_trait::async_trait;
use tf_provider::schema::{FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

pub struct SshFingerprint;

impl SshFingerprint {
    pub const NAME: &'static str = "ssh_fingerprint";
}

#[async_trait]
impl Function for SshFingerprint {
    type Input<'a> = KeyArgument;
    type Output<'a> = String;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(schema(
            "SHA256 fingerprint of an OpenSSH public key",
            "The `SHA256:` fingerprint of an OpenSSH public key, as `ssh-keygen -l` prints it and as \
             the `fingerprint` attribute of `hostup_vps_ssh_key` and `hostup_hosting_ssh_key` holds it.",
            Type::String,
        ))
    }

    async fn call<'a>(&self, diags: &mut Diagnostics, arg: KeyArgument) -> Option<String> {
        Some(arg.parse(diags)?.fingerprint())
    }
}
