//! The rate-limit headers of one reply as HostUp publishes them (CONTRACT.md "Rate limits
//! (published)"): `Retry-After` in seconds, `X-RateLimit-Limit`, `-Remaining`, and `-Reset` as an
//! ISO 8601 timestamp. Read by the transport on every reply, used by the pacer and the retry loop.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Iso8601;
use time::OffsetDateTime;

/// About 30 years: any longer is the same answer, and bounds `from_secs_f64`.
pub const LONGEST: Duration = Duration::from_secs(1 << 30);

/// The `X-RateLimit-*` and `Retry-After` headers of one reply, as far as they are readable.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RateHeaders {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// When the window resets, on this machine's clock.
    pub reset: Option<SystemTime>,
    pub retry_after: Option<Duration>,
}

impl RateHeaders {
    /// Read what is there. `X-RateLimit-Reset` is an ISO 8601 timestamp as HostUp publishes it;
    /// a number is still read as older servers sent it (a Unix time, or seconds when small).
    /// Garbage, negative and fractional counts are ignored; times are bounded by [`LONGEST`].
    pub fn read(headers: &HeaderMap) -> RateHeaders {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let count = |name: &str| header(name).and_then(|v| v.parse::<u64>().ok());
        RateHeaders {
            limit: count("x-ratelimit-limit"),
            remaining: count("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset").and_then(reset_time),
            retry_after: header(RETRY_AFTER.as_str())
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| Duration::from_secs_f64(s.min(LONGEST.as_secs_f64()))),
        }
    }

    /// How long the server asked to wait: the longer of `Retry-After` and the time to the reset.
    pub fn wait(&self) -> Option<Duration> {
        let reset = self.reset.map(|r| until(r).min(LONGEST));
        match (self.retry_after, reset) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

fn reset_time(v: &str) -> Option<SystemTime> {
    if let Ok(n) = v.parse::<u64>() {
        let now = SystemTime::now();
        return Some(if n > 1_000_000_000 {
            UNIX_EPOCH + Duration::from_secs(n)
        } else {
            now + Duration::from_secs(n).min(LONGEST)
        });
    }
    let t = OffsetDateTime::parse(v, &Iso8601::DEFAULT).ok()?;
    let nanos = t.unix_timestamp_nanos();
    // Before 1970 is "already over"; far future is bounded when it is waited for.
    let nanos = u64::try_from(nanos.clamp(0, u64::MAX as i128)).unwrap_or(u64::MAX);
    Some(UNIX_EPOCH + Duration::from_nanos(nanos))
}

/// Time from now to `t` (zero when it has passed).
pub fn until(t: SystemTime) -> Duration {
    t.duration_since(SystemTime::now()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn iso_in(d: Duration) -> String {
        let t = OffsetDateTime::now_utc() + d;
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

    #[test]
    fn an_iso_reset_is_read_as_published() {
        let h = RateHeaders::read(&headers(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &iso_in(Duration::from_secs(30))),
        ]));
        assert_eq!((h.limit, h.remaining), (Some(60), Some(0)));
        let w = h.wait().unwrap();
        assert!(
            w > Duration::from_secs(28) && w <= Duration::from_secs(30),
            "{w:?}"
        );
        for (v, secs) in [
            ("2026-04-27T12:34:56Z", 0),
            ("2026-04-27T12:34:56.789+02:00", 0),
            ("1970-01-01T00:00:00Z", 0),
        ] {
            let h = RateHeaders::read(&headers(&[("x-ratelimit-reset", v)]));
            assert!(h.reset.is_some(), "{v}");
            assert!(h.wait().unwrap().as_secs() <= secs + 1 || v.starts_with("2026"));
        }
    }

    #[test]
    fn hostile_values_are_bounded_or_ignored() {
        for v in ["-5", "soon", "1e400", "NaN", "", "2026-13-45T99:99:99Z"] {
            let h = RateHeaders::read(&headers(&[
                ("x-ratelimit-reset", v),
                ("retry-after", v),
                ("x-ratelimit-remaining", v),
            ]));
            assert_eq!(h.reset, None, "{v}");
            assert_eq!(h.remaining, None, "{v}");
            assert!(h.retry_after.is_none() || v == "1e400", "{v}");
        }
        let far = RateHeaders::read(&headers(&[
            ("x-ratelimit-reset", "+999999-01-01T00:00:00Z"),
            ("retry-after", "1e300"),
        ]));
        assert!(far.wait().unwrap() <= LONGEST);
        let past = RateHeaders::read(&headers(&[("x-ratelimit-reset", "2001-01-01T00:00:00Z")]));
        assert_eq!(past.wait(), Some(Duration::ZERO));
        // The older numeric forms still work.
        let small = RateHeaders::read(&headers(&[("x-ratelimit-reset", "7")]));
        assert!(small.wait().unwrap() > Duration::from_secs(6));
    }
}
