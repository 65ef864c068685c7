//! The v2 routes: VPS account keys and shared-hosting keys (Bearer auth, problem+json errors).

use super::reply::{field, invalid, problem, ErrCtx, Reply};
use super::state::{hosting_key, State};
use super::util::{fnv1a, mix64, parse_query};
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hostup::api::models::{
    ActionGate, CreateVpsKey, FieldError, HostingActions, HostingKeyList, ImportHostingKey,
    ImportedHostingKey, RenameVpsKey, VpsKeyPage,
};
use hostup::ssh_key::{KeyError, PublicKey};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub(crate) const MAX_NAME_CHARS: usize = 64;
const BODY_INVALID: &str = "The request body failed validation.";

/// Everything a route handler needs from the request.
pub(crate) struct Req<'a> {
    pub err: ErrCtx<'a>,
    pub headers: &'a HeaderMap,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
}

/// Bearer token → caller's account id, or the 401/403 reply.
fn authorize(st: &State, req: &Req<'_>, scope: &str) -> Result<String, Reply> {
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
        Some(k) if !k.scopes.iter().any(|s| s == scope) => Err(problem(
            &req.err,
            403,
            "forbidden",
            &format!("This API key lacks the required scope `{scope}`."),
            vec![],
        )),
        Some(k) => Ok(k.account_id.clone()),
    }
}

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
        Some(Value::String(s)) if s.chars().count() > MAX_NAME_CHARS => errs.push(field(
            "/name",
            "too_long",
            format!("`name` must be at most {MAX_NAME_CHARS} characters."),
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

fn cursor_check(st: &State, account: &str, seq: u64) -> u64 {
    mix64(seq ^ st.cursor_secret ^ fnv1a(account))
}

/// Opaque cursor: base64url of "after-seq.check"; the check is keyed so only issued cursors pass.
fn encode_cursor(st: &State, account: &str, seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{seq}.{:016x}", cursor_check(st, account, seq)))
}

fn decode_cursor(st: &State, account: &str, c: &str) -> Option<u64> {
    let raw = URL_SAFE_NO_PAD.decode(c.as_bytes()).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (a, b) = s.split_once('.')?;
    let seq: u64 = a.parse().ok()?;
    let check = u64::from_str_radix(b, 16).ok()?;
    (b.len() == 16 && check == cursor_check(st, account, seq)).then_some(seq)
}

fn parse_limit(v: &str) -> Result<usize, FieldError> {
    let range = || {
        field(
            "/limit",
            "out_of_range",
            "`limit` must be between 1 and 100.",
        )
    };
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        match v.parse::<u64>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n as usize),
            _ => Err(range()),
        }
    } else if v.len() > 1 && v.starts_with('-') && v[1..].bytes().all(|b| b.is_ascii_digit()) {
        Err(range())
    } else {
        Err(field(
            "/limit",
            "invalid_format",
            "`limit` must be an integer between 1 and 100.",
        ))
    }
}

/// GET /api/v2/ssh-keys — keyset pagination over the caller's keys in insertion order.
pub(crate) fn list_vps(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, "read:vm") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut errs = vec![];
    let mut limit = 20;
    let mut after = 0;
    for (k, v) in parse_query(req.query.unwrap_or("")) {
        match k.as_str() {
            "limit" => match parse_limit(&v) {
                Ok(n) => limit = n,
                Err(e) => errs.push(e),
            },
            // An empty cursor is the same as none (first page).
            "cursor" if v.is_empty() => {}
            "cursor" => match decode_cursor(st, &account, &v) {
                Some(seq) => after = seq,
                None => errs.push(field(
                    "/cursor",
                    "invalid_format",
                    "`cursor` is not a cursor issued by this API; pass a previous page's `nextCursor`.",
                )),
            },
            _ => {}
        }
    }
    if !errs.is_empty() {
        return invalid(&req.err, "The query parameters failed validation.", errs);
    }
    let mut page: Vec<_> = st
        .vps
        .iter()
        .filter(|r| r.account_id == account && r.seq > after)
        .take(limit + 1)
        .collect();
    let has_more = page.len() > limit;
    page.truncate(limit);
    let next_cursor = match (has_more, page.last()) {
        (true, Some(last)) => Some(encode_cursor(st, &account, last.seq)),
        _ => None,
    };
    let body = VpsKeyPage {
        data: page.iter().map(|r| r.key.clone()).collect(),
        has_more,
        next_cursor,
    };
    Reply::json(200, &body)
}

/// POST /api/v2/ssh-keys (inferred).
pub(crate) fn create_vps(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, "write:account") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (body, pk) = match parse_name_key::<CreateVpsKey>(req.body) {
        Ok(v) => v,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    let fp = pk.fingerprint();
    if st
        .vps
        .iter()
        .any(|r| r.account_id == account && r.key.fingerprint.as_deref() == Some(fp.as_str()))
    {
        return duplicate(&req.err);
    }
    let key = st.add_vps_key(&account, &body.name, &pk);
    let mut reply = Reply::json(201, &key);
    reply.drop_after = st.take_drop();
    reply
}

fn duplicate(ctx: &ErrCtx<'_>) -> Reply {
    problem(
        ctx,
        409,
        "duplicate_key",
        "An SSH key with this fingerprint already exists in this account.",
        vec![],
    )
}

/// Find the caller's VPS key by id: index, or the 404/403 reply.
fn find_vps(st: &State, req: &Req<'_>, account: &str, id: &str) -> Result<usize, Reply> {
    match st.vps.iter().position(|r| r.key.id == id) {
        None => Err(problem(
            &req.err,
            404,
            "not_found",
            "No SSH key with this id exists.",
            vec![],
        )),
        Some(i) if st.vps[i].account_id != account => Err(problem(
            &req.err,
            403,
            "forbidden",
            "This SSH key belongs to another account.",
            vec![],
        )),
        Some(i) => Ok(i),
    }
}

fn gate(g: &Option<ActionGate>) -> ActionGate {
    g.clone().unwrap_or_else(ActionGate::allow)
}

/// PATCH /api/v2/ssh-keys/{id}: the name only.
pub(crate) fn rename_vps(st: &mut State, req: &Req<'_>, id: &str) -> Reply {
    let account = match authorize(st, req, "write:account") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_vps(st, req, &account, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let body = match parse_object(req.body, &["name"]).and_then(|m| {
        let mut errs = vec![];
        check_name(&m, &mut errs);
        if errs.is_empty() {
            serde_json::from_value::<RenameVpsKey>(Value::Object(m))
                .map_err(|e| vec![field("", "invalid_format", e.to_string())])
        } else {
            Err(errs)
        }
    }) {
        Ok(b) => b,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    let key = &mut st.vps[i].key;
    let can_rename = gate(&key.actions.as_ref().and_then(|a| a.can_rename.clone()));
    if !can_rename.allowed {
        return blocked(&req.err, &can_rename);
    }
    key.name = body.name;
    Reply::json(200, &key.clone())
}

/// DELETE /api/v2/ssh-keys/{id} (inferred).
pub(crate) fn delete_vps(st: &mut State, req: &Req<'_>, id: &str) -> Reply {
    let account = match authorize(st, req, "write:account") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_vps(st, req, &account, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let can_delete = gate(
        &st.vps[i]
            .key
            .actions
            .as_ref()
            .and_then(|a| a.can_delete.clone()),
    );
    if !can_delete.allowed {
        return blocked(&req.err, &can_delete);
    }
    st.vps.remove(i);
    Reply::empty(204)
}

/// Find the caller's hosting account: index, or the 404/403 reply.
fn find_hosting(st: &State, req: &Req<'_>, account: &str, id: &str) -> Result<usize, Reply> {
    match st.hosting.iter().position(|h| h.id == id) {
        None => Err(problem(
            &req.err,
            404,
            "not_found",
            "No shared-hosting account with this id exists.",
            vec![],
        )),
        Some(i) if st.hosting[i].account_id != account => Err(problem(
            &req.err,
            403,
            "forbidden",
            "This shared-hosting account belongs to another account.",
            vec![],
        )),
        Some(i) => Ok(i),
    }
}

/// GET /api/v2/shared-hosting/{accountId}/ssh-keys.
pub(crate) fn list_hosting(st: &mut State, req: &Req<'_>, acct: &str) -> Reply {
    let account = match authorize(st, req, "read:hostingconsole:services") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_hosting(st, req, &account, acct) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let h = &st.hosting[i];
    Reply::json(
        200,
        &HostingKeyList {
            ssh_keys: h.keys.clone(),
            ssh_command: Some(h.ssh_command.clone()),
            actions: HostingActions {
                can_add: h.can_add.clone(),
            },
        },
    )
}

/// POST /api/v2/shared-hosting/{accountId}/ssh-keys.
pub(crate) fn import_hosting(st: &mut State, req: &Req<'_>, acct: &str) -> Reply {
    let account = match authorize(st, req, "write:hostingconsole:services") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_hosting(st, req, &account, acct) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let (body, pk) = match parse_name_key::<ImportHostingKey>(req.body) {
        Ok(v) => v,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    if !st.hosting[i].can_add.allowed {
        let g = st.hosting[i].can_add.clone();
        return blocked(&req.err, &g);
    }
    let fp = pk.fingerprint();
    if st.hosting[i]
        .keys
        .iter()
        .any(|k| k.fingerprint.as_deref() == Some(fp.as_str()))
    {
        return duplicate(&req.err);
    }
    let id = st.new_key_id();
    st.hosting[i]
        .keys
        .push(hosting_key(id.clone(), &body.name, &pk));
    let mut reply = Reply::json(
        201,
        &ImportedHostingKey {
            id,
            name: body.name,
            fingerprint: Some(fp),
            imported: true,
            authorized: true,
        },
    );
    reply.drop_after = st.take_drop();
    reply
}

/// DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{keyId} (inferred).
pub(crate) fn delete_hosting(st: &mut State, req: &Req<'_>, acct: &str, key_id: &str) -> Reply {
    let account = match authorize(st, req, "write:hostingconsole:services") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let i = match find_hosting(st, req, &account, acct) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let keys = &mut st.hosting[i].keys;
    match keys.iter().position(|k| k.id == key_id) {
        Some(j) => {
            keys.remove(j);
            Reply::empty(204)
        }
        None => problem(
            &req.err,
            404,
            "not_found",
            "No SSH key with this id exists on this shared-hosting account.",
            vec![],
        ),
    }
}
