//! The mock's clock: ISO 8601 UTC with milliseconds (`createdAt`, `timestamp`, as HostUp writes
//! them, e.g. `2026-04-27T12:34:56.000Z`) and Unix seconds. Its own, so the mock does not lean on
//! the provider's log-line formatting.

use time::OffsetDateTime;

/// Now, as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn now_iso() -> String {
    iso(OffsetDateTime::now_utc())
}

/// Now, in milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    u64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or_default()
}

/// `ms` since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (the rate-limit reset).
pub fn iso_at_ms(ms: u64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(iso)
        .unwrap_or_else(|_| now_iso())
}

/// Now, in seconds since the Unix epoch.
pub fn unix_secs() -> u64 {
    u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default()
}

fn iso(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_hostup_does() {
        let at = |ms: i128| iso(OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).unwrap());
        assert_eq!(at(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
        assert_eq!(now_iso().len(), "2026-04-27T12:34:56.000Z".len());
        assert!(unix_secs() > 1_700_000_000);
    }
}
