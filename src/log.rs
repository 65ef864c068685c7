//! Provider logging in the form Terraform reads from a plugin's stderr: one line per entry,
//! `[LEVEL] message: key=value key=value`, which Terraform (go-plugin) re-logs under
//! `provider.terraform-provider-hostup` at that level.
//!
//! Not go-hclog's JSON lines: go-plugin turns their fields into a Go map, so every line listed
//! them in a new random order, and it appends the line's own `@timestamp` as a second
//! `timestamp=` beside Terraform's. A plain line keeps the order the caller gives and carries
//! Terraform's timestamp only.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`, as Terraform users set it; unset means
//! no output at all. Callers pass only safe fields: never the API key, never key material beyond
//! a fingerprint.

use serde_json::Value;
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

/// One log line. `fields` follow the message in the order given, as logfmt `key=value`.
pub fn log(l: Level, message: &str, fields: &[(&str, Value)]) {
    if !enabled(l) {
        return;
    }
    let line = line(l, message, fields);
    // One write per line so concurrent lines do not interleave; a closed stderr is ignored.
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

fn line(l: Level, message: &str, fields: &[(&str, Value)]) -> String {
    let mut line = format!("[{}] {}", l.name().to_ascii_uppercase(), one_line(message));
    for (i, (k, v)) in fields.iter().enumerate() {
        line.push_str(if i == 0 { ": " } else { " " });
        let v = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        line.push_str(&format!("{k}={}", logfmt(&v)));
    }
    line
}

/// A value as logfmt writes it: bare when it is one plain word, else quoted with escapes, so a
/// space, `=` or quote in a server's text cannot fake another field or line.
fn logfmt(v: &str) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '"' && c != '=');
    if plain {
        v.to_string()
    } else {
        Value::String(v.to_string()).to_string()
    }
}

/// A message on one line: a newline would start a line Terraform reads as a new entry.
fn one_line(message: &str) -> String {
    message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
    use super::{line, Level};
    use serde_json::json;

    #[test]
    fn fields_keep_their_order_and_quote_what_could_fake_a_field() {
        let l = line(
            Level::Debug,
            "HostUp API call",
            &[
                ("method", json!("GET")),
                ("status", json!(200)),
                ("reason", json!("a b=c \"d\"\nx")),
            ],
        );
        assert_eq!(
            l,
            r#"[DEBUG] HostUp API call: method=GET status=200 reason="a b=c \"d\"\nx""#
        );
        assert_eq!(line(Level::Warn, "one\ntwo", &[]), "[WARN] one two");
    }

    #[test]
    fn levels() {
        assert_eq!(Level::parse(""), Level::Off);
        assert_eq!(Level::parse("debug"), Level::Debug);
        assert_eq!(Level::parse("JSON"), Level::Trace);
        assert_eq!(Level::parse("nonsense"), Level::Trace);
        assert!(Level::Error > Level::Debug);
    }
}
