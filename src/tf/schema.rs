//! Schema builders: attributes with a Markdown description, and a schema from them.

use std::collections::HashMap;
use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, Schema,
};

fn attr(t: AttributeType, c: AttributeConstraint, desc: &str) -> Attribute {
    Attribute {
        attr_type: t,
        description: Description::markdown(desc),
        constraint: c,
        sensitive: false,
        deprecated: false,
    }
}

pub fn required(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::Required, desc)
}

pub fn optional(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::Optional, desc)
}

pub fn computed(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::Computed, desc)
}

pub fn optional_computed(t: AttributeType, desc: &str) -> Attribute {
    attr(t, AttributeConstraint::OptionalComputed, desc)
}

pub fn sensitive(mut a: Attribute) -> Attribute {
    a.sensitive = true;
    a
}

/// A schema (version 1) with a Markdown description and these attributes.
pub fn schema(description: &str, attributes: HashMap<String, Attribute>) -> Schema {
    Schema {
        version: 1,
        block: Block {
            version: 1,
            description: Description::markdown(description),
            attributes,
            ..Default::default()
        },
    }
}
