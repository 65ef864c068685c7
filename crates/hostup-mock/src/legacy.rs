//! HostUp's older account-key operations, `GET/POST/DELETE /api/ssh-keys`: `X-API-Key` auth, v1
//! envelopes, numeric ids and MD5 fingerprints, over the same key store as the v2 routes (every
//! key has its `ssh_…` id and a numeric id). Served in every profile.

use super::clock::unix_secs;
use super::reply::{v1_error, Reply};
use super::state::{State, VpsRec};
use super::v2::Req;
use super::wire::{
    LegacyAddKey, LegacyAddResult, LegacyAdded, LegacyDeleteKey, LegacyDeleted, LegacyKey,
    LegacyKeyList, V1Envelope, MAX_NAME_LEN,
};
use hostup::ssh_key::PublicKey;
use serde::Serialize;

/// `X-API-Key` → caller's account id, or the v1 401.
fn authorize(st: &State, req: &Req<'_>) -> Result<String, Reply> {
    let token = req
        .headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    match token.and_then(|t| st.tokens.iter().find(|k| k.token == t)) {
        Some(k) => Ok(k.account_id.clone()),
        None => Err(v1_error(
            &req.err,
            401,
            "UNAUTHORIZED",
            "Missing or invalid API key. Send it in the X-API-Key header.",
        )),
    }
}

fn ok<T: Serialize>(req: &Req<'_>, data: T) -> Reply {
    Reply::json(
        200,
        &V1Envelope {
            success: true,
            timestamp: req.err.timestamp.to_string(),
            request_id: req.err.request_id.to_string(),
            data,
        },
    )
}

fn older_view(r: &VpsRec) -> LegacyKey {
    LegacyKey {
        id: r.legacy_id,
        client_id: Some(r.account_id.clone()),
        name: r.key.name.clone(),
        key: r.key.public_key.clone(),
        fingerprint: PublicKey::parse(&r.key.public_key)
            .ok()
            .map(|p| p.fingerprint_md5()),
    }
}

/// GET /api/ssh-keys (no pagination is published).
pub(crate) fn list(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let ssh_keys = st
        .vps
        .iter()
        .filter(|r| r.account_id == account)
        .map(older_view)
        .collect();
    ok(req, LegacyKeyList { ssh_keys })
}

/// POST /api/ssh-keys `{"name","public_key"}`.
pub(crate) fn add(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let refuse = |msg: &str| v1_error(&req.err, 400, "BAD_REQUEST", msg);
    let Ok(body) = serde_json::from_slice::<LegacyAddKey>(req.body) else {
        return refuse("Failed to add SSH key: the body must be {\"name\", \"public_key\"}.");
    };
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
        return refuse("Failed to add SSH key: invalid name.");
    }
    let Ok(pk) = PublicKey::parse(&body.public_key) else {
        return refuse("Failed to add SSH key: not an OpenSSH public key.");
    };
    let fingerprint = pk.fingerprint();
    if st
        .vps
        .iter()
        .any(|r| r.account_id == account && r.key.fingerprint.as_deref() == Some(&fingerprint))
    {
        return refuse("Failed to add SSH key: this key is already on the account.");
    }
    st.add_vps_key(&account, name, &pk);
    let rec = st.vps.last().expect("just added");
    let mut reply = ok(
        req,
        LegacyAdded {
            ssh_key: LegacyAddResult {
                success: true,
                ssh_key: older_view(rec),
                call: Some("addClientSsh".into()),
                server_time: Some(unix_secs() as i64),
                info: vec!["SSH Key added successfully".into()],
            },
        },
    );
    reply.drop_after = st.take_drop();
    reply
}

/// DELETE /api/ssh-keys `{"id": N}` (the parameter is inferred; the published page lists none).
pub(crate) fn delete(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(body) = serde_json::from_slice::<LegacyDeleteKey>(req.body) else {
        return v1_error(
            &req.err,
            400,
            "BAD_REQUEST",
            "The body must be {\"id\": <number>}.",
        );
    };
    let Some(i) = st
        .vps
        .iter()
        .position(|r| r.account_id == account && r.legacy_id == body.id)
    else {
        return v1_error(&req.err, 404, "NOT_FOUND", "SSH key not found.");
    };
    let gate = st.vps[i]
        .key
        .actions
        .as_ref()
        .and_then(|a| a.can_delete.clone());
    if let Some(g) = gate.filter(|g| !g.allowed) {
        let code = g.code.unwrap_or_else(|| "CONFLICT".into());
        let reason = g
            .reason
            .unwrap_or_else(|| "The key cannot be deleted now.".into());
        return v1_error(&req.err, 409, &code, &reason);
    }
    st.vps.remove(i);
    ok(
        req,
        LegacyDeleted {
            success: true,
            message: "SSH key deleted successfully".into(),
        },
    )
}
