//! `/__mock/...`: inspection and control for tests and demos. No auth, never faulted, not logged,
//! not delayed: a router of its own, outside the API's layers.

use super::layers;
use super::reply::{field, into_response, invalid, problem, Ctx, Reply};
use super::seed::Faults;
use super::shared::Shared;
use super::state::State;
use super::v2::parse_name_key;
use super::wire::{ActionGate, HostingActions, HostingKeyList, NameAndKey};
use axum::extract::{Request, State as AxState};
use axum::middleware::from_fn;
use axum::response::Response;
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::Router;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::future::{ready, Ready};
use std::sync::Arc;

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
            // The keys as listed, with what the list does not show: the real fingerprint and
            // whether the key is authorized.
            let keys: Vec<Value> = h.keys.iter().map(|k| {
                let mut v = serde_json::to_value(&k.listed).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert("authorized".into(), Value::Bool(k.authorized));
                    m.insert("realFingerprint".into(), Value::String(k.fingerprint.clone()));
                }
                v
            }).collect();
            let list = HostingKeyList {
                ssh_keys: vec![],
                ssh_command: Some(h.ssh_command.clone()),
                actions: HostingActions { can_add: h.can_add.clone() },
            };
            let mut v = serde_json::to_value(&list).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("sshKeys".into(), Value::Array(keys));
                m.insert("id".into(), Value::String(h.id.clone()));
                m.insert("accountId".into(), Value::String(h.account_id.clone()));
                m.insert("account".into(), serde_json::to_value(&h.account).unwrap_or(Value::Null));
            }
            v
        }).collect::<Vec<_>>(),
        "vms": st.vms.iter().map(|v| json!({"vmid": v.vmid, "accountId": v.account_id})).collect::<Vec<_>>(),
        "resets": st.resets,
        "vpsInstances": st.instances.iter().map(|r| {
            let mut v = serde_json::to_value(&r.instance).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("accountId".into(), Value::String(r.account_id.clone()));
            }
            v
        }).collect::<Vec<_>>(),
        "vpsResets": st.vps_resets,
    })
}

pub(crate) fn requests_json(st: &State) -> Value {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in &st.requests {
        *counts.entry(r.route_key()).or_default() += 1;
    }
    json!({ "requests": st.requests, "counts": counts })
}

fn no_hosting_account(ctx: &Ctx) -> Reply {
    problem(
        &ctx.err(),
        404,
        "not_found",
        "No shared-hosting account with this id exists.",
        vec![],
    )
}

fn no_route(_: &mut State, ctx: &Ctx) -> Reply {
    missing(ctx)
}

fn missing(ctx: &Ctx) -> Reply {
    problem(
        &ctx.err(),
        404,
        "not_found",
        "No such mock admin route.",
        vec![],
    )
}

/// `no_route` without the world, for a route matched only through an empty segment.
async fn no_such_route(req: Request) -> Response {
    into_response(Ctx::of(&req).map_or_else(|| Reply::empty(500), |ctx| missing(&ctx)))
}

/// The routes, relative to `/__mock` (where `http` nests them). A method a path does not serve
/// is answered like a path that does not exist (404), HEAD included.
pub(crate) fn router() -> Router<Arc<Shared>> {
    let gets = |h| get(adm(h)).head(adm(no_route)).fallback(adm(no_route));
    let only = |mr: MethodRouter<Arc<Shared>>| mr.fallback(adm(no_route));
    Router::new()
        .route("/state", gets(|st, _| Reply::json(200, &snapshot(st))))
        .route(
            "/requests",
            gets(|st, _| Reply::json(200, &requests_json(st))).delete(adm(|st, _| {
                st.clear_requests();
                Reply::empty(204)
            })),
        )
        .route(
            "/faults",
            gets(|st, _| Reply::json(200, &st.faults)).put(adm(put_faults)),
        )
        .route("/vps-keys", only(post(adm(add_vps_key))))
        // Everything after the prefix is the id, as sent (an empty one included).
        .route("/vps-keys/", only(delete(adm(delete_vps_key))))
        .route("/vps-keys/*id", only(delete(adm(delete_vps_key))))
        .route("/hosting-accounts/:id/can-add", only(put(adm(put_can_add))))
        .route("/hosting-accounts/:id", only(delete(adm(delete_hosting))))
        .fallback(adm(no_route))
        .layer(from_fn(|req, next| {
            layers::no_empty_segment(req, next, no_such_route)
        }))
        .layer(from_fn(layers::body_cap))
}

type AdminOp = fn(&mut State, &Ctx) -> Reply;

/// An axum handler for an admin operation: the world locked, the request's context.
fn adm(
    f: AdminOp,
) -> impl Fn(AxState<Arc<Shared>>, Request) -> Ready<Response> + Clone + Send + Sync + 'static {
    move |AxState(shared): AxState<Arc<Shared>>, req: Request| {
        let reply = match Ctx::of(&req) {
            Some(ctx) => f(&mut shared.lock(), &ctx),
            None => Reply::empty(500),
        };
        ready(into_response(reply))
    }
}

/// Segment `i` of the raw path (`/__mock/hosting-accounts/{id}/...`: the id is segment 3).
fn seg(ctx: &Ctx, i: usize) -> &str {
    ctx.path.split('/').nth(i).unwrap_or_default()
}

fn put_faults(st: &mut State, ctx: &Ctx) -> Reply {
    match serde_json::from_slice::<Faults>(ctx.body()) {
        Ok(f) => {
            st.set_faults(f);
            Reply::json(200, &st.faults)
        }
        Err(e) => invalid(
            &ctx.err(),
            "The faults document is invalid.",
            vec![field("", "invalid_format", e.to_string())],
        ),
    }
}

fn add_vps_key(st: &mut State, ctx: &Ctx) -> Reply {
    match parse_name_key::<NameAndKey>(ctx.body()) {
        Ok((body, pk)) => {
            let account = st.default_account.clone();
            let key = st.add_vps_key(&account, &body.name, &pk);
            Reply::json(201, &key)
        }
        Err(errs) => invalid(&ctx.err(), "The request body failed validation.", errs),
    }
}

fn delete_vps_key(st: &mut State, ctx: &Ctx) -> Reply {
    let id = ctx
        .path
        .strip_prefix("/__mock/vps-keys/")
        .unwrap_or_default();
    match st.vps.iter().position(|r| r.key.id == id) {
        Some(i) => {
            st.vps.remove(i);
            Reply::empty(204)
        }
        None => problem(
            &ctx.err(),
            404,
            "not_found",
            "No SSH key with this id exists.",
            vec![],
        ),
    }
}

fn put_can_add(st: &mut State, ctx: &Ctx) -> Reply {
    match serde_json::from_slice::<ActionGate>(ctx.body()) {
        Ok(gate) if st.set_can_add(seg(ctx, 3), gate.clone()) => Reply::json(200, &gate),
        Ok(_) => no_hosting_account(ctx),
        Err(e) => invalid(
            &ctx.err(),
            "The canAdd gate is invalid: send {\"allowed\": bool, \"reason\": ..., \"code\": ...}.",
            vec![field("", "invalid_format", e.to_string())],
        ),
    }
}

fn delete_hosting(st: &mut State, ctx: &Ctx) -> Reply {
    if st.remove_hosting_account(seg(ctx, 3)) {
        Reply::empty(204)
    } else {
        no_hosting_account(ctx)
    }
}
