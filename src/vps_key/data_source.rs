//! `hostup_vps_ssh_key`: exactly one VPS SSH key, found by `id`, `name`, `fingerprint` or
//! `fingerprint_md5` (the forms import accepts).

use super::attributes as attr;
use super::data_source_list::every_key;
use super::state::VpsKeyObject;
use super::store::VpsKeyStore;
use crate::api::text::clip;
use crate::configured::Configured;
use crate::tf::adapter::Data;
use crate::tf::import_id::{md5_fingerprint, sha256_fingerprint};
use crate::tf::schema::{optional_computed, schema};
use async_trait::async_trait;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::ValueString;
use tf_provider::{AttributePath, Diagnostics};

const SELECTORS: [&str; 4] = ["id", "name", "fingerprint", "fingerprint_md5"];

pub struct VpsSshKeyDataSource {
    configured: Configured<VpsKeyStore>,
}

impl VpsSshKeyDataSource {
    pub const TYPE_NAME: &'static str = "hostup_vps_ssh_key";

    pub fn new(configured: Configured<VpsKeyStore>) -> Self {
        VpsSshKeyDataSource { configured }
    }
}

fn selectors(o: &VpsKeyObject) -> [(&'static str, &ValueString<'static>); 4] {
    [
        (SELECTORS[0], &o.id),
        (SELECTORS[1], &o.name),
        (SELECTORS[2], &o.fingerprint),
        (SELECTORS[3], &o.fingerprint_md5),
    ]
}

/// The selector's value as the keys hold it: fingerprints in their one written form (any case
/// of `SHA256:`/`MD5:`, MD5 hex in any case), else the text; `Err` says what is wrong.
fn wanted(field: &str, text: &str) -> Result<String, &'static str> {
    match field {
        "fingerprint" => sha256_fingerprint(text).ok_or(if md5_fingerprint(text).is_some() {
            "This is an MD5 fingerprint: set it as `fingerprint_md5`, or give the key's \
             \"SHA256:...\" fingerprint (as printed by `ssh-keygen -l -f key.pub`)."
        } else {
            "`fingerprint` must be an OpenSSH SHA-256 fingerprint such as \"SHA256:8pQ3...\" (as \
             printed by `ssh-keygen -l -f key.pub`); for an MD5 fingerprint use `fingerprint_md5`."
        }),
        "fingerprint_md5" => md5_fingerprint(text).ok_or(
            "`fingerprint_md5` must be an MD5 fingerprint: 16 colon-separated hex pairs such as \
             \"a8:75:9b:...\", bare as HostUp's control panel shows it or after MD5: as \
             `ssh-keygen -l -E md5 -f key.pub` prints it.",
        ),
        _ => Ok(text.to_string()),
    }
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
            "Set exactly one of `id`, `name`, `fingerprint` or `fingerprint_md5` to choose the key.",
        ),
        // One diagnostic, on the second selector: the first may be the one the user meant.
        _ => diags.error(
            "Conflicting key selectors",
            format!(
                "Set exactly one of `id`, `name`, `fingerprint` or `fingerprint_md5`; {} are set.",
                set.join(" and ")
            ),
            AttributePath::new(set[1].to_string()),
        ),
    }
    for (field, value) in selectors(config) {
        if let Some(Err(msg)) = value.as_deref_option().map(|t| wanted(field, t)) {
            diags.error("Invalid fingerprint", msg, AttributePath::new(field));
        }
    }
}

#[async_trait]
impl Data for VpsSshKeyDataSource {
    type State = VpsKeyObject;

    fn schema(&self) -> Schema {
        schema(
            "Finds exactly one VPS SSH key of the account by `id`, `name`, `fingerprint` or \
             `fingerprint_md5`.",
            {
                let mut attrs = attr::computed_attributes();
                for (name, by) in [
                    ("id", attr::ID),
                    ("name", "Label of the key; more than one match is an error."),
                    ("fingerprint", attr::FINGERPRINT),
                    ("fingerprint_md5", attr::FINGERPRINT_MD5),
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
        let (field, given) = selectors(&config)
            .into_iter()
            .find_map(|(n, v)| v.as_deref_option().map(|s| (n, s.to_string())))?;
        let wanted = wanted(field, &given).ok()?;
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
                        "No VPS SSH key in this HostUp account has {field} \"{}\" ({} keys searched).",
                        clip(&wanted),
                        searched
                    ),
                    AttributePath::new(field),
                );
                None
            }
            n => {
                let ids: Vec<String> = matches
                    .iter()
                    .filter_map(|o| o.id.as_deref_option().map(clip))
                    .collect();
                diags.error(
                    "More than one SSH key matches",
                    format!(
                        "{n} VPS SSH keys have {field} \"{}\": {}. Select one by `id` instead.",
                        clip(&wanted),
                        ids.join(", ")
                    ),
                    AttributePath::new(field),
                );
                None
            }
        }
    }
}
