//! ISO 8601 timestamps without a date-time crate: the mock's `createdAt`/`timestamp` fields and
//! the provider's log lines need nothing more.

use std::time::{SystemTime, UNIX_EPOCH};

/// Current time as ISO 8601 UTC with milliseconds, e.g. `2026-04-27T12:34:56.000Z`.
pub fn now_iso() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_millis(d.as_millis() as i64)
}

/// Current time with microseconds, e.g. `2026-04-27T12:34:56.000123Z`: the exact form go-hclog's
/// JSON `@timestamp` must have for Terraform to accept a plugin's log line.
pub fn now_iso_micros() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let millis = format_millis(d.as_millis() as i64);
    // "...:SS.mmmZ" -> "...:SS.mmmuuuZ"
    format!(
        "{}{:03}Z",
        &millis[..millis.len() - 1],
        d.subsec_micros() % 1000
    )
}

pub fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Format milliseconds since the Unix epoch as ISO 8601 UTC.
pub fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); the classic era-based
/// algorithm (400-year eras of 146097 days).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
        assert_eq!(format_millis(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
        assert_eq!(format_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        let micros = now_iso_micros();
        assert_eq!(
            micros.len(),
            "2026-04-27T12:34:56.000123Z".len(),
            "{micros}"
        );
        assert!(micros.ends_with('Z'));
    }
}
