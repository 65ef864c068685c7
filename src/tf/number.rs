//! Whole-number arguments as users may write them. Terraform sends `1.5` as a float and
//! `9223372036854775808` as a float or text; tf-provider's `Value<i64>` cannot decode either and
//! the whole block fails with a decoding message. [`Number`] takes any number, so validation can
//! say on the attribute which whole numbers it accepts.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::RangeInclusive;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Number {
    Whole(i64),
    /// Not a whole number that fits in 64 bits, as text.
    Other(String),
}

impl Number {
    /// The value when it is a whole number within `range`, else the sentence saying what is wrong.
    pub fn whole_in(&self, attr: &str, range: RangeInclusive<i64>) -> Result<i64, String> {
        match self {
            Number::Whole(n) if range.contains(n) => Ok(*n),
            other => Err(format!(
                "`{attr}` is {other}; it must be a whole number from {} to {}.",
                range.start(),
                range.end()
            )),
        }
    }
}

impl Number {
    /// The value as a rate: a number from 0 to `max`, fractions allowed (`0.5`: one request
    /// every two seconds); else the sentence saying what is wrong. `attr` names where it came from.
    pub fn rate_in(&self, attr: &str, max: f64) -> Result<f64, String> {
        let v = match self {
            Number::Whole(n) => Some(*n as f64),
            Number::Other(s) => s.trim().parse::<f64>().ok(),
        };
        match v {
            Some(v) if v.is_finite() && (0.0..=max).contains(&v) => Ok(v),
            _ => Err(format!(
                "`{attr}` is {self}; it must be a number of requests per second from 0 (no cap) to \
                 {max}, e.g. 2 or 0.5."
            )),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Whole(n) => write!(f, "{n}"),
            Number::Other(s) => f.write_str(s),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Number::Whole(n) => s.serialize_i64(*n),
            Number::Other(t) => match t.parse::<f64>() {
                Ok(f) => s.serialize_f64(f),
                Err(_) => s.serialize_str(t),
            },
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumberVisitor)
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
        Ok(Number::Whole(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
        Ok(i64::try_from(v)
            .map(Number::Whole)
            .unwrap_or_else(|_| Number::Other(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
        // Whole floats within i64 are exact below 2^63; 2^63 itself is out of range.
        if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 {
            Ok(Number::Whole(v as i64))
        } else {
            Ok(Number::Other(format!("{v}")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
        Ok(v.parse::<i64>()
            .map(Number::Whole)
            .unwrap_or_else(|_| Number::Other(v.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn anything_numeric_decodes_and_only_whole_numbers_in_range_pass() {
        let n: Number = serde_json::from_str("1.5").unwrap();
        assert_eq!(n, Number::Other("1.5".into()));
        let big: Number = serde_json::from_str("9223372036854775808").unwrap();
        assert!(big.whole_in("vmid", 1..=i64::MAX).is_err());
        let whole: Number = serde_json::from_str("10000.0").unwrap();
        assert_eq!(whole.whole_in("vmid", 1..=i64::MAX), Ok(10000));
        let msg = n.whole_in("vmid", 1..=i64::MAX).unwrap_err();
        assert!(
            msg.contains("`vmid` is 1.5") && msg.contains("whole number from 1"),
            "{msg}"
        );
    }
}
