//! `/__mock/...`: inspection and control for tests and demos. No auth, never faulted, not logged.

use super::clock::now_iso;
use super::reply::{field, into_response, invalid, problem, ErrCtx, Reply};
use super::shared::{Shared, MAX_BODY};
use super::state::{Faults, State};
use super::v2::parse_name_key;
use super::wire::{ActionGate, HostingActions, HostingKeyList, NameAndKey};
use axum::body::Body;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The whole world as JSON.
pub(crate) fn snapshot(st: &State) -> Value {
    json!({
        "vpsKeys": st.vps.iter().map(|r| {
            let mut v = serde_json::to_value(&r.key).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("accountId".into(), Value::String(r.account_id.clone()));
            }
            v
        }).collect::<Vec<_>>(),
        "hostingAccounts": st.hosting.iter().map(|h| {
            let list = HostingKeyList {
                ssh_keys: h.keys.clone(),
                ssh_command: Some(h.ssh_command.clone()),
                actions: HostingActions { can_add: h.can_add.clone() },
            };
            let mut v = serde_json::to_value(&list).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("id".into(), Value::String(h.id.clone()));
                m.insert("accountId".into(), Value::String(h.account_id.clone()));
            }
            v
        }).collect::<Vec<_>>(),
        "vms": st.vms.iter().map(|v| json!({"vmid": v.vmid, "accountId": v.account_id})).collect::<Vec<_>>(),
        "resets": st.resets,
    })
}

pub(crate) fn requests_json(st: &State) -> Value {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in &st.requests {
        *counts.entry(r.route_key()).or_default() += 1;
    }
    json!({ "requests": st.requests, "counts": counts })
}

/// The account id of `/__mock/hosting-accounts/{id}{suffix}`.
fn hosting_account_path<'a>(path: &'a str, suffix: &str) -> Option<&'a str> {
    let id = path
        .strip_prefix("/__mock/hosting-accounts/")?
        .strip_suffix(suffix)?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

fn no_hosting_account(ctx: &ErrCtx<'_>) -> Reply {
    problem(
        ctx,
        404,
        "not_found",
        "No shared-hosting account with this id exists.",
        vec![],
    )
}

pub(crate) async fn handle(shared: &Shared, parts: &Parts, body: Body) -> Response {
    let bytes = axum::body::to_bytes(body, MAX_BODY).await;
    let path = parts.uri.path();
    let method = parts.method.as_str();
    let mut st = shared.lock();
    let request_id = st.new_request_id();
    let timestamp = now_iso();
    let ctx = ErrCtx {
        path,
        request_id: &request_id,
        timestamp: &timestamp,
    };
    let Ok(bytes) = bytes else {
        let r = problem(
            &ctx,
            413,
            "payload_too_large",
            "The request body exceeds 64 KiB.",
            vec![],
        );
        return into_response(r, &request_id);
    };
    let reply = match (method, path) {
        ("GET", "/__mock/state") => Reply::json(200, &snapshot(&st)),
        ("GET", "/__mock/requests") => Reply::json(200, &requests_json(&st)),
        ("DELETE", "/__mock/requests") => {
            st.requests.clear();
            Reply::empty(204)
        }
        ("GET", "/__mock/faults") => Reply::json(200, &st.faults),
        ("PUT", "/__mock/faults") => match serde_json::from_slice::<Faults>(&bytes) {
            Ok(f) => {
                st.set_faults(f);
                Reply::json(200, &st.faults)
            }
            Err(e) => invalid(
                &ctx,
                "The faults document is invalid.",
                vec![field("", "invalid_format", e.to_string())],
            ),
        },
        ("POST", "/__mock/vps-keys") => match parse_name_key::<NameAndKey>(&bytes) {
            Ok((body, pk)) => {
                let account = st.default_account.clone();
                let key = st.add_vps_key(&account, &body.name, &pk);
                Reply::json(201, &key)
            }
            Err(errs) => invalid(&ctx, "The request body failed validation.", errs),
        },
        ("DELETE", p) if p.starts_with("/__mock/vps-keys/") => {
            let id = &p["/__mock/vps-keys/".len()..];
            match st.vps.iter().position(|r| r.key.id == id) {
                Some(i) => {
                    st.vps.remove(i);
                    Reply::empty(204)
                }
                None => problem(
                    &ctx,
                    404,
                    "not_found",
                    "No SSH key with this id exists.",
                    vec![],
                ),
            }
        }
        ("PUT", p) if hosting_account_path(p, "/can-add").is_some() => {
            let id = hosting_account_path(p, "/can-add").unwrap_or_default();
            match serde_json::from_slice::<ActionGate>(&bytes) {
                Ok(gate) if st.set_can_add(id, gate.clone()) => Reply::json(200, &gate),
                Ok(_) => no_hosting_account(&ctx),
                Err(e) => invalid(
                    &ctx,
                    "The canAdd gate is invalid: send {\"allowed\": bool, \"reason\": ..., \"code\": ...}.",
                    vec![field("", "invalid_format", e.to_string())],
                ),
            }
        }
        ("DELETE", p) if hosting_account_path(p, "").is_some() => {
            let id = hosting_account_path(p, "").unwrap_or_default();
            if st.remove_hosting_account(id) {
                Reply::empty(204)
            } else {
                no_hosting_account(&ctx)
            }
        }
        _ => problem(&ctx, 404, "not_found", "No such mock admin route.", vec![]),
    };
    drop(st);
    into_response(reply, &request_id)
}
