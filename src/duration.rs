//! Durations as Terraform users write them (`30s`, `1m30s`), for the provider's timeouts.

/// Parse a duration such as `30s`, `500ms`, `2m`, `1h` or `1m30s` (Go's `time.ParseDuration`
/// units, the form Terraform users know from `timeouts` blocks).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let bad = || {
        format!("\"{t}\" is not a duration; use a number with a unit, e.g. \"30s\", \"500ms\", \"2m\" or \"1m30s\".")
    };
    if t.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * factor;
        rest = &rest[unit_len..];
    }
    if !(total.is_finite() && total > 0.0 && total <= 24.0 * 3600.0) {
        return Err(format!("\"{t}\" must be more than 0 and at most 24h."));
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        for bad in ["", "30", "s", "10x", "-1s", "0s", "48h", "1m 30s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
