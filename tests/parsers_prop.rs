//! Property tests: the public-key parser and the error-body parser turn any input into a value
//! or an error, never a panic, and key identity ignores comments and whitespace.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hostup::api::ApiError;
use hostup::ssh_key::{same_key, PublicKey, SUPPORTED_ALGORITHMS};
use proptest::prelude::*;

fn wire(parts: &[&[u8]]) -> Vec<u8> {
    let mut blob = Vec::new();
    for p in parts {
        blob.extend_from_slice(&(p.len() as u32).to_be_bytes());
        blob.extend_from_slice(p);
    }
    blob
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn key_parser_never_panics_on_any_string(s in any::<String>()) {
        let _ = PublicKey::parse(&s);
    }

    #[test]
    fn key_parser_never_panics_on_any_blob(
        algo in proptest::sample::select(SUPPORTED_ALGORITHMS),
        blob in proptest::collection::vec(any::<u8>(), 0..600),
        comment in "[ -~]{0,40}",
    ) {
        let line = format!("{algo} {} {comment}", STANDARD.encode(&blob));
        if let Ok(k) = PublicKey::parse(&line) {
            // Whatever parses has a stable fingerprint of the documented form.
            prop_assert!(k.fingerprint().starts_with("SHA256:"));
            prop_assert_eq!(k.fingerprint().len(), "SHA256:".len() + 43);
        }
    }

    #[test]
    fn key_parser_never_panics_on_structured_garbage(
        algo in proptest::sample::select(SUPPORTED_ALGORITHMS),
        parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..6),
        fake_len in any::<u32>(),
    ) {
        let mut blob = wire(&[algo.as_bytes()]);
        for p in &parts {
            blob.extend_from_slice(&wire(&[p]));
        }
        blob.extend_from_slice(&fake_len.to_be_bytes());
        let _ = PublicKey::parse(&format!("{algo} {}", STANDARD.encode(&blob)));
    }

    #[test]
    fn identity_ignores_comment_and_whitespace(
        key in proptest::array::uniform32(any::<u8>()),
        c1 in "[ -~]{0,30}",
        c2 in "[ -~]{0,30}",
        pad in "[ \t\n]{0,3}",
    ) {
        let b64 = STANDARD.encode(wire(&[b"ssh-ed25519", &key]));
        let a = format!("ssh-ed25519 {b64} {c1}");
        let b = format!("{pad}ssh-ed25519  {b64}\t{c2}{pad}");
        prop_assert!(same_key(&a, &b));
        let pa = PublicKey::parse(&a).unwrap();
        let pb = PublicKey::parse(&b).unwrap();
        prop_assert_eq!(pa.fingerprint(), pb.fingerprint());
        prop_assert_eq!(pa.canonical(), pb.canonical());
        // The normalised line parses back to the same key.
        prop_assert_eq!(PublicKey::parse(&pa.to_line()).unwrap().canonical(), pa.canonical());
    }

    #[test]
    fn error_body_parser_never_panics(
        status in 100u16..600,
        ct in proptest::sample::select(vec!["application/json", "application/problem+json", "text/html", "", "text/plain"]),
        body in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let e = ApiError::from_reply("GET", "/api/v2/ssh-keys", status, ct, &body, None);
        let _ = e.to_string();
        let _ = e.summary();
    }

    #[test]
    fn error_body_parser_handles_any_json_shape(
        code in proptest::option::of("[a-z_]{0,20}"),
        detail in proptest::option::of(any::<String>()),
        errors in proptest::collection::vec(("[ -~]{0,10}", any::<String>()), 0..4),
        weird in any::<i64>(),
    ) {
        let body = serde_json::json!({
            "code": code, "detail": detail, "status": weird, "requestId": weird,
            "errors": errors.iter().map(|(p, d)| serde_json::json!({"pointer": p, "detail": d})).collect::<Vec<_>>(),
        });
        let e = ApiError::from_reply("POST", "/x", 400, "application/problem+json", body.to_string().as_bytes(), None);
        let msg = e.to_string();
        if let Some(d) = detail.filter(|d| !d.is_empty()) {
            prop_assert!(msg.contains(&d));
        }
    }
}
