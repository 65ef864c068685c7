//! `provider::hostup::ssh_public_key(public_key)`: everything the provider derives from a key.

use super::{schema, KeyArgument};
use crate::ssh_key::PublicKey;
use async_trait::async_trait;
use serde::Serialize;
use tf_provider::schema::{FunctionSchema, Type};
use tf_provider::{map, Diagnostics, Function};

pub struct SshPublicKey;

impl SshPublicKey {
    pub const NAME: &'static str = "ssh_public_key";
}

/// The returned object. Its fields are the return type's (a unit test holds them together).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct KeyFacts {
    pub algorithm: String,
    pub key_type: &'static str,
    pub bits: u32,
    pub comment: Option<String>,
    pub fingerprint: String,
    pub fingerprint_md5: String,
    pub normalized: String,
}

impl From<&PublicKey> for KeyFacts {
    fn from(k: &PublicKey) -> Self {
        KeyFacts {
            algorithm: k.algorithm().to_string(),
            key_type: k.key_type(),
            bits: k.bits(),
            comment: k.comment().map(str::to_string),
            fingerprint: k.fingerprint(),
            fingerprint_md5: k.fingerprint_md5(),
            normalized: k.canonical(),
        }
    }
}

/// An object type, not tf-provider's nested-attribute types, which Terraform 1.0 cannot read.
fn return_type() -> Type {
    Type::Object(map! {
        "algorithm" => Type::String,
        "key_type" => Type::String,
        "bits" => Type::Number,
        "comment" => Type::String,
        "fingerprint" => Type::String,
        "fingerprint_md5" => Type::String,
        "normalized" => Type::String,
    })
}

#[async_trait]
impl Function for SshPublicKey {
    type Input<'a> = KeyArgument;
    type Output<'a> = KeyFacts;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(schema(
            "Parse an OpenSSH public key",
            "Parses an OpenSSH public key line and returns its `algorithm` (e.g. `ssh-ed25519`), \
             `key_type` (`rsa`, `ed25519`, `ecdsa`, `dsa`, as the key resources report it), `bits`, \
             `comment` (null when there is none), `fingerprint` (`SHA256:…`, the same value and name as \
             the key resources' `fingerprint`), \
             `fingerprint_md5` (colon-separated hex, as HostUp's control panel shows it) and \
             `normalized` (type and base64 key data, without the comment).",
            return_type(),
        ))
    }

    async fn call<'a>(&self, diags: &mut Diagnostics, arg: KeyArgument) -> Option<KeyFacts> {
        Some(KeyFacts::from(&arg.parse(diags)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn facts_have_exactly_the_return_type_fields() {
        let key = PublicKey::parse(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPMUxNmlHTgckqdyKbEd2QhH9JKutkURSw6ECjh529oL",
        )
        .unwrap();
        let json = serde_json::to_value(KeyFacts::from(&key)).unwrap();
        let fields: BTreeSet<&String> = json.as_object().unwrap().keys().collect();
        let Type::Object(types) = return_type() else {
            panic!("not an object type")
        };
        assert_eq!(fields, types.keys().collect());
        assert_eq!(json["comment"], serde_json::Value::Null);
    }
}
