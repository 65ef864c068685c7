//! Unit tests of `errors.rs`: both envelopes, odd bodies, redaction, and `text::clip` as the errors use it.

use super::*;

#[test]
fn problem_json_shows_everything() {
    let body = br#"{"type":"https://developer.hostup.se/errors/invalid_request","title":"Validation failed",
        "status":400,"detail":"The request body failed validation.","code":"invalid_request",
        "requestId":"req_1","errors":[{"pointer":"/name","detail":"name is required","code":"missing_required"}]}"#;
    let e = ApiError::from_reply(
        "POST",
        "/api/v2/ssh-keys",
        400,
        "application/problem+json",
        body,
        None,
    );
    let msg = e.to_string();
    for want in [
        "POST /api/v2/ssh-keys",
        "400",
        "invalid_request",
        "The request body failed validation.",
        "/name: name is required (missing_required)",
        "requestId: req_1",
    ] {
        assert!(msg.contains(want), "{msg} lacks {want}");
    }
}

#[test]
fn v1_envelope() {
    let body = br#"{"code":"INTERNAL_ERROR","error":"Internal Server Error","message":"Failed to reset SSH keys","requestId":"2121ae20","timestamp":"t"}"#;
    let e = ApiError::from_reply(
        "POST",
        "/api/vm/1/reset-ssh-keys",
        500,
        "application/json",
        body,
        None,
    );
    assert_eq!(e.code.as_deref(), Some("INTERNAL_ERROR"));
    assert_eq!(e.detail, "Failed to reset SSH keys");
    assert_eq!(e.request_id.as_deref(), Some("2121ae20"));
    assert!(e.to_string().contains("Internal Server Error"));
}

#[test]
fn html_and_empty_bodies_are_explained() {
    let e = ApiError::from_reply(
        "GET",
        "/api/v2/ssh-keys",
        502,
        "text/html",
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        Some("hdr-id"),
    );
    assert!(e.detail.contains("HTML page"), "{}", e.detail);
    assert!(e.detail.contains("502 Bad Gateway"));
    assert_eq!(e.request_id.as_deref(), Some("hdr-id"));
    let e = ApiError::from_reply("GET", "/x", 500, "", b"", None);
    assert!(e.detail.contains("empty body"));
}

#[test]
fn redact_removes_secret() {
    let e = ApiError::from_reply(
        "GET",
        "/x",
        401,
        "application/json",
        br#"{"detail":"bad key sk-secret-123"}"#,
        None,
    )
    .redact("sk-secret-123");
    assert!(!e.to_string().contains("sk-secret-123"));
}

#[test]
fn arbitrary_bodies_never_panic() {
    let mut x: u32 = 7;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect();
        let _ = ApiError::from_reply("GET", "/", 500, "application/json", &bytes, None).to_string();
    }
    for body in [
        &b"[]"[..],
        b"null",
        b"{\"errors\":5}",
        b"{\"code\":{}}",
        b"\"str\"",
    ] {
        let _ = ApiError::from_reply("GET", "/", 500, "application/json", body, None).to_string();
    }
}

#[test]
fn clip_strips_what_a_terminal_acts_on_and_bounds_the_length() {
    let nasty = "a\u{1b}[31mred\u{1b}]0;title\u{7}b\u{9b}c\u{7f}d\u{202e}e\u{2066}f\tg\nh";
    let c = clip(nasty);
    assert!(
        !c.chars()
            .any(|ch| (ch.is_control() && ch != '\t') || ('\u{202a}'..='\u{2069}').contains(&ch)),
        "{c:?}"
    );
    assert!(c.contains("red") && c.contains("\tg h"), "{c:?}");
    let long = "x".repeat(300_000);
    let c = clip(&long);
    assert_eq!(c.chars().count(), QUOTE_LIMIT + 1);
    assert!(c.ends_with('…'));
    let exact = "y".repeat(QUOTE_LIMIT);
    assert_eq!(clip(&exact), exact, "not clipped at exactly the limit");
}

#[test]
fn every_server_text_of_a_problem_is_sanitized() {
    let esc = "\u{1b}[2J\u{1b}]8;;http://evil\u{7}\u{202e}";
    let body = serde_json::json!({
        "title": format!("T{esc}"), "detail": format!("D{esc}{}", "z".repeat(300_000)),
        "code": format!("C{esc}"), "requestId": format!("R{esc}"),
        "errors": [{"pointer": format!("/p{esc}"), "detail": format!("F{esc}"), "code": format!("c{esc}")}]
    });
    let e = ApiError::from_reply(
        "POST",
        "/x",
        400,
        "application/problem+json",
        &serde_json::to_vec(&body).unwrap(),
        None,
    );
    let text = format!("{e}\n{}", e.summary());
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    assert!(text.len() < 4 * 1024, "{} bytes", text.len());
    let v1 =
        br#"{"code":"X\u001b[1m","error":"E\u0007","message":"M\u202e","requestId":"r\u009b"}"#;
    let e = ApiError::from_reply("POST", "/api/vm/1/reset-ssh-keys", 500, "", v1, None);
    let text = e.to_string();
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{text:?}"
    );
    let r = ApiError::rejected("POST", "/x", "no\u{1b}[0m", "id\u{7}".into());
    assert!(!r.to_string().contains('\u{1b}') && !r.to_string().contains('\u{7}'));
}

#[test]
fn a_redirect_names_its_location() {
    let e = ApiError::from_reply("GET", "/x", 301, "text/html", b"<html>Moved</html>", None)
        .redirected(Some("https://api.example.net/\u{1b}[31m"));
    assert!(
        e.detail
            .contains("points to \"https://api.example.net/ [31m\""),
        "{}",
        e.detail
    );
    assert!(e.detail.contains("`endpoint`"));
    let e = ApiError::from_reply("GET", "/x", 302, "", b"", None).redirected(None);
    assert!(e.detail.contains("without a Location"), "{}", e.detail);
}
