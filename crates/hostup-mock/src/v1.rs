//! The v1 VM SSH key reset: `X-API-Key` auth, v1 error envelope, string vmid/accountId in replies.

use super::reply::{v1_error, Reply};
use super::state::{RecordedReset, State};
use super::v2::Req;
use super::wire::{ResetVmKeys, ResetVmKeysData, ResetVmKeysReply};
use serde_json::Value;

const RESET_MESSAGE: &str =
    "SSH keys reset initiated. VM will restart automatically to apply changes.";

/// Validate the body; `Err` carries the VALIDATION_ERROR message.
fn parse_body(body: &[u8]) -> Result<ResetVmKeys, String> {
    let m = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err("Request body must be a JSON object with `keyIds`.".into()),
        Err(e) => return Err(format!("Request body is not valid JSON: {e}.")),
    };
    if let Some(k) = m.keys().find(|k| k.as_str() != "keyIds") {
        return Err(format!("Unknown field `{k}`; only `keyIds` is accepted."));
    }
    match m.get("keyIds") {
        None | Some(Value::Null) => return Err("`keyIds` is required.".into()),
        Some(Value::Array(a)) if a.is_empty() => {
            return Err("`keyIds` must contain at least one SSH key id.".into())
        }
        Some(Value::Array(a)) => {
            if a.iter()
                .any(|v| !matches!(v, Value::String(s) if !s.trim().is_empty()))
            {
                return Err("`keyIds` must contain only non-empty strings.".into());
            }
        }
        Some(_) => return Err("`keyIds` must be an array of SSH key id strings.".into()),
    }
    serde_json::from_value(Value::Object(m)).map_err(|e| e.to_string())
}

/// POST /api/vm/{vmid}/reset-ssh-keys.
pub(crate) fn reset(st: &mut State, req: &Req<'_>, vmid_raw: &str) -> Reply {
    let ctx = &req.err;
    // v1 takes the key in X-API-Key only; a Bearer header is not accepted here.
    let token = req
        .headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let account = match token.and_then(|t| st.tokens.iter().find(|k| k.token == t)) {
        Some(k) => k.account_id.clone(),
        None => {
            return v1_error(
                ctx,
                401,
                "UNAUTHORIZED",
                "Missing or invalid API key. Send it in the X-API-Key header.",
            )
        }
    };
    let vmid = match vmid_raw.parse::<u64>() {
        Ok(v) if v >= 1 && vmid_raw.bytes().all(|b| b.is_ascii_digit()) => v,
        _ => {
            return v1_error(
                ctx,
                400,
                "VALIDATION_ERROR",
                "vmid must be an integer greater than or equal to 1.",
            )
        }
    };
    if !st
        .vms
        .iter()
        .any(|v| v.vmid == vmid && v.account_id == account)
    {
        return v1_error(ctx, 404, "NOT_FOUND", &format!("VM {vmid} not found."));
    }
    let body = match parse_body(req.body) {
        Ok(b) => b,
        Err(msg) => return v1_error(ctx, 400, "VALIDATION_ERROR", &msg),
    };
    // A key id is accepted as either the public id or the numeric displayId.
    if let Some(unknown) = body.key_ids.iter().find(|kid| {
        !st.vps.iter().any(|r| {
            r.account_id == account
                && (r.key.id == **kid || r.key.display_id.as_deref() == Some(kid.as_str()))
        })
    }) {
        return v1_error(
            ctx,
            400,
            "VALIDATION_ERROR",
            &format!(
                "Unknown SSH key id `{unknown}`: it is not in this account's SSH key inventory."
            ),
        );
    }
    st.resets.push(RecordedReset {
        vmid,
        key_ids: body.key_ids.clone(),
        account_id: account.clone(),
        request_id: ctx.request_id.to_string(),
        timestamp: ctx.timestamp.to_string(),
        used_x_api_key: true,
    });
    Reply::json(
        200,
        &ResetVmKeysReply {
            success: true,
            timestamp: ctx.timestamp.to_string(),
            request_id: ctx.request_id.to_string(),
            data: ResetVmKeysData {
                success: true,
                message: RESET_MESSAGE.into(),
                key_count: body.key_ids.len() as i64,
                vmid: vmid.to_string(),
                account_id: account,
            },
        },
    )
}
