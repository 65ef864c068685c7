//! `hostup_vps_ssh_key`: exactly one VPS SSH key, found by `id`, `name` or `fingerprint`.

use super::attributes as attr;
use super::data_source_list::every_key;
use super::state::VpsKeyObject;
use super::store::VpsKeyStore;
use crate::configured::Configured;
use crate::tf::adapter::Data;
use crate::tf::schema::{optional_computed, schema};
use async_trait::async_trait;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::ValueString;
use tf_provider::{AttributePath, Diagnostics};

const SELECTORS: [&str; 3] = ["id", "name", "fingerprint"];

pub struct VpsSshKeyDataSource {
    configured: Configured<VpsKeyStore>,
}

impl VpsSshKeyDataSource {
    pub const TYPE_NAME: &'static str = "hostup_vps_ssh_key";

    pub fn new(configured: Configured<VpsKeyStore>) -> Self {
        VpsSshKeyDataSource { configured }
    }
}

fn selectors(o: &VpsKeyObject) -> [(&'static str, &ValueString<'static>); 3] {
    [
        (SELECTORS[0], &o.id),
        (SELECTORS[1], &o.name),
        (SELECTORS[2], &o.fingerprint),
    ]
}

/// Exactly one of id, name, fingerprint must be set (an unknown value counts as set).
fn check(diags: &mut Diagnostics, config: &VpsKeyObject) {
    let set: Vec<&str> = selectors(config)
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(n, _)| *n)
        .collect();
    match set.len() {
        1 => {}
        0 => diags.root_error(
            "No key selected",
            "Set exactly one of `id`, `name` or `fingerprint` to choose the key.",
        ),
        // One diagnostic, on the second selector: the first may be the one the user meant.
        _ => diags.error(
            "Conflicting key selectors",
            format!(
                "Set exactly one of `id`, `name` or `fingerprint`; {} are set.",
                set.join(" and ")
            ),
            AttributePath::new(set[1].to_string()),
        ),
    }
    if let Some(fp) = config.fingerprint.as_deref_option() {
        if !fp.starts_with("SHA256:") {
            diags.error(
                "Invalid fingerprint",
                "`fingerprint` must be an OpenSSH SHA-256 fingerprint such as \"SHA256:8pQ3...\" \
                 (as printed by `ssh-keygen -l -f key.pub`).",
                AttributePath::new("fingerprint"),
            );
        }
    }
}

#[async_trait]
impl Data for VpsSshKeyDataSource {
    type State = VpsKeyObject;

    fn schema(&self) -> Schema {
        schema(
            "Finds exactly one VPS SSH key of the account by `id`, `name` or `fingerprint`.",
            {
                let mut attrs = attr::computed_attributes();
                for (name, by) in [
                    ("id", attr::ID),
                    ("name", "Label of the key; more than one match is an error."),
                    ("fingerprint", attr::FINGERPRINT),
                ] {
                    let desc = format!("Find the key by this attribute, or read it. {by}");
                    attrs.insert(name.into(), optional_computed(AttributeType::String, &desc));
                }
                attrs
            },
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) {
        check(diags, &config);
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        check(diags, &config);
        let all = every_key(&self.configured, diags).await?;
        let (field, wanted) = selectors(&config)
            .into_iter()
            .find_map(|(n, v)| v.as_deref_option().map(|s| (n, s.to_string())))?;
        let searched = all.len();
        let matches: Vec<VpsKeyObject> = all
            .into_iter()
            .filter(|o| {
                selectors(o)
                    .iter()
                    .any(|(n, v)| *n == field && v.as_deref_option() == Some(wanted.as_str()))
            })
            .collect();
        match matches.len() {
            1 => matches.into_iter().next(),
            0 => {
                diags.error(
                    "No matching SSH key",
                    format!(
                        "No VPS SSH key in this HostUp account has {field} \"{wanted}\" ({} keys searched).",
                        searched
                    ),
                    AttributePath::new(field),
                );
                None
            }
            n => {
                let ids: Vec<String> = matches
                    .iter()
                    .filter_map(|o| o.id.as_deref_option().map(str::to_string))
                    .collect();
                diags.error(
                    "More than one SSH key matches",
                    format!(
                        "{n} VPS SSH keys have {field} \"{wanted}\": {}. Select one by `id` instead.",
                        ids.join(", ")
                    ),
                    AttributePath::new(field),
                );
                None
            }
        }
    }
}
