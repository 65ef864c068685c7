//! The v2 routes (Bearer auth, problem+json errors): VPS account keys in [`vps`], shared-hosting
//! keys in [`hosting`], VPS instances, the v2 reset and its jobs in [`instances`], and here what
//! they share: the request, authorisation, the 409 replies and body validation.

mod accounts;
mod cursor;
mod hosting;
mod instances;
mod vps;

pub(crate) use accounts::list_accounts;
pub(crate) use hosting::{authorize_hosting, delete_hosting, import_hosting, list_hosting};
pub(crate) use instances::{get_job, list_instances, reset_vps};
pub(crate) use vps::{create_vps, delete_vps, list_vps, rename_vps};

use super::reply::{field, problem, ErrCtx, Reply};
use super::state::State;
use super::wire::{ActionGate, FieldError, MAX_NAME_LEN};
use axum::http::HeaderMap;
use hostup::ssh_key::{KeyError, PublicKey};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const BODY_INVALID: &str = "The request body failed validation.";

/// Everything a route handler needs from the request.
pub(crate) struct Req<'a> {
    pub err: ErrCtx<'a>,
    pub headers: &'a HeaderMap,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
}

/// Bearer token → caller's account id, or the 401/403 reply naming the scopes it lacks (a
/// route may need several, each granted apart).
fn authorize(st: &State, req: &Req<'_>, scopes: &[&str]) -> Result<String, Reply> {
    let token = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim);
    // The detail never echoes the presented key.
    match token.and_then(|t| st.tokens.iter().find(|k| k.token == t)) {
        None => Err(problem(
            &req.err,
            401,
            "unauthorized",
            "Authentication is required: send a valid API key as `Authorization: Bearer <key>`.",
            vec![],
        )),
        Some(k) => {
            let lacking: Vec<String> = scopes
                .iter()
                .filter(|want| !k.scopes.iter().any(|s| s == *want))
                .map(|s| format!("`{s}`"))
                .collect();
            match lacking.len() {
                0 => Ok(k.account_id.clone()),
                1 => Err(problem(
                    &req.err,
                    403,
                    "forbidden",
                    &format!("This API key lacks the required scope {}.", lacking[0]),
                    vec![],
                )),
                _ => Err(problem(
                    &req.err,
                    403,
                    "forbidden",
                    &format!(
                        "This API key lacks the required scopes {}.",
                        lacking.join(" and ")
                    ),
                    vec![],
                )),
            }
        }
    }
}

/// 409 for an action its inventory gate does not allow: the gate's code and reason.
fn blocked(ctx: &ErrCtx<'_>, gate: &ActionGate) -> Reply {
    problem(
        ctx,
        409,
        gate.code.as_deref().unwrap_or("action_blocked"),
        gate.reason
            .as_deref()
            .unwrap_or("This action is currently not allowed."),
        vec![],
    )
}

fn json_pointer(key: &str) -> String {
    format!("/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Parse the body as a JSON object whose keys are all in `allowed`.
fn parse_object(body: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, Vec<FieldError>> {
    let map = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            return Err(vec![field(
                "",
                "invalid_type",
                "The request body must be a JSON object.",
            )])
        }
        Err(e) => {
            return Err(vec![field(
                "",
                "invalid_json",
                format!("The request body is not valid JSON: {e}."),
            )])
        }
    };
    let unknown: Vec<FieldError> = map
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| {
            field(
                &json_pointer(k),
                "unknown_field",
                format!(
                    "Unknown field `{k}`; this operation accepts only: {}.",
                    allowed.join(", ")
                ),
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(map)
    } else {
        Err(unknown)
    }
}

fn check_name(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    match m.get("name") {
        None | Some(Value::Null) => {
            errs.push(field("/name", "missing_required", "`name` is required."))
        }
        Some(Value::String(s)) if s.trim().is_empty() => errs.push(field(
            "/name",
            "missing_required",
            "`name` must not be empty.",
        )),
        Some(Value::String(s)) if s.chars().count() > MAX_NAME_LEN => errs.push(field(
            "/name",
            "too_long",
            format!("`name` must be at most {MAX_NAME_LEN} characters."),
        )),
        Some(Value::String(_)) => {}
        Some(_) => errs.push(field("/name", "invalid_format", "`name` must be a string.")),
    }
}

fn check_public_key(m: &Map<String, Value>, errs: &mut Vec<FieldError>) -> Option<PublicKey> {
    match m.get("publicKey") {
        None | Some(Value::Null) => {
            errs.push(field(
                "/publicKey",
                "missing_required",
                "`publicKey` is required.",
            ));
            None
        }
        Some(Value::String(s)) => match PublicKey::parse(s) {
            Ok(pk) => Some(pk),
            Err(KeyError::PrivateKey) => {
                errs.push(field(
                    "/publicKey",
                    "private_key_not_allowed",
                    "Private key material is not accepted; send the public key (the .pub file).",
                ));
                None
            }
            Err(e) => {
                errs.push(field("/publicKey", "invalid_format", e.to_string()));
                None
            }
        },
        Some(_) => {
            errs.push(field(
                "/publicKey",
                "invalid_format",
                "`publicKey` must be a string.",
            ));
            None
        }
    }
}

/// Validate a `{name, publicKey}` body into the wire model `T` plus the parsed key.
pub(crate) fn parse_name_key<T: DeserializeOwned>(
    body: &[u8],
) -> Result<(T, PublicKey), Vec<FieldError>> {
    let m = parse_object(body, &["name", "publicKey"])?;
    let mut errs = vec![];
    check_name(&m, &mut errs);
    let pk = check_public_key(&m, &mut errs);
    match (errs.is_empty(), pk) {
        (true, Some(pk)) => serde_json::from_value::<T>(Value::Object(m))
            .map(|t| (t, pk))
            .map_err(|e| vec![field("", "invalid_format", e.to_string())]),
        _ => Err(errs),
    }
}

/// 409 `duplicate_key`: the inventory already holds a key with this fingerprint.
fn duplicate(ctx: &ErrCtx<'_>) -> Reply {
    problem(
        ctx,
        409,
        "duplicate_key",
        "An SSH key with this fingerprint already exists in this account.",
        vec![],
    )
}
