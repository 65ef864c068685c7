//! A nested block of at most one (`NestedBlock::Optional`, a list on the wire) as one nullable
//! value. Unlike tf-provider's `serde_as_vec`, a null block (what Terraform hands over for a
//! block the state was written without, e.g. by an older provider version) decodes as null
//! instead of failing the plan.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tf_provider::value::Value;

pub fn serialize<T: Serialize, S: Serializer>(v: &Value<T>, s: S) -> Result<S::Ok, S::Error> {
    tf_provider::value::serde_as_vec::serialize(v, s)
}

pub fn deserialize<'de, T, D>(d: D) -> Result<Value<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    let items: Option<Vec<Value<T>>> = Deserialize::deserialize(d)?;
    let mut items = items.unwrap_or_default().into_iter();
    match (items.next(), items.next()) {
        (None, _) => Ok(Value::Null),
        (Some(v), None) => Ok(v),
        (Some(_), Some(_)) => Err(serde::de::Error::custom(
            "a block of at most one was given twice",
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use tf_provider::value::{Value, ValueString};

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct S {
        #[serde(with = "super")]
        b: Value<ValueString<'static>>,
    }

    #[test]
    fn null_empty_one_and_two() {
        let de = |j: &str| serde_json::from_str::<S>(j);
        assert_eq!(de(r#"{"b": null}"#).unwrap().b, Value::Null);
        assert_eq!(de(r#"{}"#).unwrap().b, Value::Null);
        assert_eq!(de(r#"{"b": []}"#).unwrap().b, Value::Null);
        assert_eq!(
            de(r#"{"b": ["x"]}"#).unwrap().b,
            Value::Value(Value::Value("x".into()))
        );
        assert!(de(r#"{"b": ["x", "y"]}"#).is_err());
        let s = serde_json::to_string(&S::default()).unwrap();
        assert_eq!(s, r#"{"b":[]}"#);
    }
}
