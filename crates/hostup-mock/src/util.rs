//! Small std-only helpers: a deterministic PRNG, id generation and query-string parsing. Each is a
//! few lines, and the PRNG must replay exactly the same faults for a given `Faults.seed`, so no
//! crate is pulled in for them. The clock is in `clock`.

/// splitmix64 step: a good 64-bit mixer, used both as the PRNG and as a keyed hash.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, to fold strings into the cursor check value.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Deterministic PRNG (splitmix64) so fault injection is reproducible from `Faults.seed`.
#[derive(Clone, Debug)]
pub struct Prng(u64);

impl Prng {
    pub fn new(seed: u64) -> Self {
        Prng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// 26 lowercase alphanumerics: 13 scrambled characters followed by the counter in base 32, so
/// ids look random but are unique for distinct counters.
pub fn id26(counter: u64, salt: u64) -> String {
    let mut out = String::with_capacity(26);
    let mut r = mix64(counter ^ salt);
    for _ in 0..13 {
        out.push(ALPHABET[(r & 31) as usize] as char);
        r >>= 5;
    }
    for i in (0..13).rev() {
        out.push(ALPHABET[((counter >> (5 * i)) & 31) as usize] as char);
    }
    out
}

/// A UUID-looking (version 4 layout) string, as the v1 API returns in `requestId`.
pub fn uuid_like(counter: u64, salt: u64) -> String {
    let a = mix64(counter ^ salt);
    let b = mix64(a ^ counter);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// Parse `a=1&b=2` into pairs, percent-decoding values (`+` is a space). Never fails: bad escapes
/// are kept literally.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// One raw path segment percent-decoded (`+` stays a plus, as in any path). Never fails.
pub fn decode_segment(s: &str) -> String {
    percent_decode(s, false)
}

fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let a = id26(1, 7);
        let b = id26(2, 7);
        assert_ne!(a, b);
        assert_eq!(a.len(), 26);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let u = uuid_like(3, 9);
        assert_eq!(u.len(), 36);
    }

    #[test]
    fn segments_decode_with_plus_kept() {
        assert_eq!(decode_segment("SHA256%3Aa%2Bb%2Fc+d"), "SHA256:a+b/c+d");
    }

    #[test]
    fn query_parsing_tolerates_garbage() {
        let q = parse_query("limit=5&cursor=a%2Db&x&%zz=%");
        assert_eq!(q[0], ("limit".into(), "5".into()));
        assert_eq!(q[1], ("cursor".into(), "a-b".into()));
        assert_eq!(q[2], ("x".into(), "".into()));
        assert_eq!(q[3], ("%zz".into(), "%".into()));
    }
}
