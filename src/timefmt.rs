//! Clock formatting: the ISO 8601 UTC timestamps of log lines. The calendar arithmetic is the `time` crate's
//! (already in the tree through rcgen and tf-provider).

use time::OffsetDateTime;

/// Current time with microseconds, e.g. `2026-04-27T12:34:56.000123Z`: the exact form go-hclog's
/// JSON `@timestamp` must have for Terraform to accept a plugin's log line.
pub fn now_iso_micros() -> String {
    let t = OffsetDateTime::now_utc();
    format!("{}{:06}Z", seconds(t), t.microsecond())
}

/// `YYYY-MM-DDTHH:MM:SS.`, the part every form shares.
fn seconds(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        let t = OffsetDateTime::from_unix_timestamp(1_709_210_096).unwrap();
        assert_eq!(seconds(t), "2024-02-29T12:34:56.");
        let micros = now_iso_micros();
        assert_eq!(
            micros.len(),
            "2026-04-27T12:34:56.000123Z".len(),
            "{micros}"
        );
        assert!(micros.ends_with('Z'));
    }
}
