//! Provider logging in the form Terraform reads from a plugin's stderr: one JSON object per line
//! with `@level`, `@message`, `@timestamp` and flat key/value fields (go-hclog's JSON format).
//! Terraform re-logs these under `provider.terraform-provider-hostup` at their level.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`, as Terraform users set it; unset means
//! no output at all. Callers pass only safe fields: never the API key, never key material beyond
//! a fingerprint.

use serde_json::{Map, Value};
use std::io::Write;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Off,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Off => "off",
        }
    }

    /// Terraform's TF_LOG values; JSON means TRACE, and an unknown value also means TRACE, as
    /// in Terraform itself.
    pub fn parse(v: &str) -> Level {
        match v.trim().to_ascii_uppercase().as_str() {
            "" | "OFF" => Level::Off,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" => Level::Warn,
            "ERROR" => Level::Error,
            _ => Level::Trace,
        }
    }
}

static LEVEL: OnceLock<Level> = OnceLock::new();

fn level() -> Level {
    *LEVEL.get_or_init(|| {
        let v = std::env::var("TF_LOG_PROVIDER")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| std::env::var("TF_LOG").ok())
            .unwrap_or_default();
        Level::parse(&v)
    })
}

pub fn enabled(l: Level) -> bool {
    l != Level::Off && l >= level()
}

/// One log line. `fields` are written as top-level keys after the `@` ones.
pub fn log(l: Level, message: &str, fields: &[(&str, Value)]) {
    if !enabled(l) {
        return;
    }
    let mut m = Map::new();
    m.insert("@level".into(), l.name().into());
    m.insert("@message".into(), message.into());
    m.insert("@timestamp".into(), crate::timefmt::now_iso_micros().into());
    for (k, v) in fields {
        m.insert((*k).to_string(), v.clone());
    }
    let line = Value::Object(m).to_string();
    // One write per line so concurrent lines do not interleave; a closed stderr is ignored.
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

pub fn debug(message: &str, fields: &[(&str, Value)]) {
    log(Level::Debug, message, fields)
}

pub fn info(message: &str, fields: &[(&str, Value)]) {
    log(Level::Info, message, fields)
}

pub fn warn(message: &str, fields: &[(&str, Value)]) {
    log(Level::Warn, message, fields)
}

#[cfg(test)]
mod tests {
    use super::Level;

    #[test]
    fn levels() {
        assert_eq!(Level::parse(""), Level::Off);
        assert_eq!(Level::parse("debug"), Level::Debug);
        assert_eq!(Level::parse("JSON"), Level::Trace);
        assert_eq!(Level::parse("nonsense"), Level::Trace);
        assert!(Level::Error > Level::Debug);
    }
}
