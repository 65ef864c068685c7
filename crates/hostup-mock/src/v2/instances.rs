//! `GET /api/v2/vps` (published: keyset pages, `name` and `primaryIp` filters), the v2 reset
//! `POST /api/v2/vps/{id}/actions/reset-ssh-keys` and `GET /api/jobs/{jobId}`, its poll URL
//! (inferred: CONTRACT.md "VPS SSH key reset, v2"). A job advances one status per poll: `queued`
//! (the 202), `in_progress`, then `completed` or, with the `failResetJobs` knob, `failed`.

use super::cursor::{cut, page_query, PageQuery};
use super::{authorize, parse_object, Req, BODY_INVALID};
use crate::reply::{field, invalid, problem, Reply};
use crate::state::{Job, RecordedVpsReset, State};
use crate::wire::{Operation, OperationReply, OperationResult, VpsInstancePage};
use serde_json::Value;

/// The v2 reset and its poll take the scope of HostUp's other v2 VPS actions (inferred).
const POWER: &str = "power:vm";
const FAILED_DEFAULT: &str = "The SSH key reset failed.";

/// The instance list's cursors are keyed apart from the key list's.
fn cursor_key(account: &str) -> String {
    format!("{account}/vps")
}

/// GET /api/v2/vps.
pub(crate) fn list_instances(st: &mut State, req: &Req<'_>) -> Reply {
    let account = match authorize(st, req, &["read:vm"]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let key = cursor_key(&account);
    let PageQuery { limit, after, rest } = match page_query(st, req, &key) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let (mut name, mut ip) = (None, None);
    for (k, v) in rest {
        match k.as_str() {
            "name" if !st.faults.ignore_vps_filters => name = Some(v.to_lowercase()),
            "primaryIp" if !st.faults.ignore_vps_filters => ip = Some(v),
            _ => {}
        }
    }
    let after_cursor = st
        .instances
        .iter()
        .filter(|r| r.account_id == account && r.seq > after)
        .filter(|r| {
            name.as_ref()
                .is_none_or(|n| r.instance.name.to_lowercase() == *n)
        })
        .filter(|r| {
            ip.as_ref()
                .is_none_or(|ip| r.instance.primary_ip.as_deref() == Some(ip.as_str()))
        });
    let (page, has_more, next_cursor) = cut(st, &key, after_cursor, limit, |r| r.seq);
    let body = VpsInstancePage {
        data: page.iter().map(|r| r.instance.clone()).collect(),
        has_more,
        next_cursor,
    };
    Reply::json(200, &body)
}

/// `keyIds` of the reset body: a non-empty array of strings, each a key id of the account's
/// inventory (`ssh_…`; the v2 reset takes no legacy numeric ids).
fn key_ids(
    st: &State,
    account: &str,
    body: &[u8],
) -> Result<Vec<String>, Vec<crate::wire::FieldError>> {
    let m = parse_object(body, &["keyIds"])?;
    let list = match m.get("keyIds") {
        None | Some(Value::Null) => {
            return Err(vec![field(
                "/keyIds",
                "missing_required",
                "`keyIds` is required.",
            )])
        }
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(vec![field(
                "/keyIds",
                "too_short",
                "`keyIds` must contain at least one SSH key id.",
            )])
        }
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(vec![field(
                "/keyIds",
                "invalid_type",
                "`keyIds` must be an array of SSH key ids.",
            )])
        }
    };
    let mut ids = vec![];
    let mut errs = vec![];
    for (i, v) in list.iter().enumerate() {
        let pointer = format!("/keyIds/{i}");
        match v {
            Value::String(id)
                if st
                    .vps
                    .iter()
                    .any(|r| r.account_id == account && r.key.id == *id) =>
            {
                ids.push(id.clone())
            }
            Value::String(id) => errs.push(field(
                &pointer,
                "not_found",
                format!("No SSH key with id `{id}` is in this account's SSH key inventory."),
            )),
            _ => errs.push(field(
                &pointer,
                "invalid_type",
                "Each key id must be a string.",
            )),
        }
    }
    if errs.is_empty() {
        Ok(ids)
    } else {
        Err(errs)
    }
}

fn operation(job: &Job, status: &str, poll_url: &str) -> OperationReply {
    let result = match status {
        "completed" => Some(OperationResult {
            message: "SSH keys were reset; the VPS restarted to apply them.".into(),
        }),
        "failed" => Some(OperationResult {
            message: job.fails_with.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    OperationReply {
        operation: Operation {
            status: status.into(),
            job_id: job.id.clone(),
            poll_url: match poll_url {
                "" => format!("/api/jobs/{}", job.id),
                other => other.to_string(),
            },
            result,
        },
    }
}

/// POST /api/v2/vps/{id}/actions/reset-ssh-keys.
pub(crate) fn reset_vps(st: &mut State, req: &Req<'_>, vps_id: &str) -> Reply {
    let account = match authorize(st, req, &[POWER]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !st
        .instances
        .iter()
        .any(|r| r.account_id == account && r.instance.id == vps_id)
    {
        return problem(
            &req.err,
            404,
            "not_found",
            "No VPS with this id exists.",
            vec![],
        );
    }
    let ids = match key_ids(st, &account, req.body) {
        Ok(ids) => ids,
        Err(errs) => return invalid(&req.err, BODY_INVALID, errs),
    };
    let fails_with = (st.faults.fail_reset_jobs > 0).then(|| {
        st.faults.fail_reset_jobs -= 1;
        Some(st.faults.reset_failure_message.clone())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| FAILED_DEFAULT.into())
    });
    let polls_needed = match st.faults.reset_job_polls {
        0 => 2,
        n => n,
    };
    let job = Job {
        id: st.new_job_id(),
        account_id: account.clone(),
        polls: 0,
        polls_needed,
        fails_with,
    };
    st.vps_resets.push(RecordedVpsReset {
        vps_id: vps_id.to_string(),
        key_ids: ids,
        job_id: job.id.clone(),
        status: "queued".into(),
        account_id: account,
        request_id: req.err.request_id.to_string(),
        timestamp: req.err.timestamp.to_string(),
    });
    let reply = operation(&job, "queued", &st.faults.reset_poll_url);
    st.jobs.push(job);
    Reply::json(202, &reply)
}

/// GET /api/jobs/{jobId}: the job, one status further.
pub(crate) fn get_job(st: &mut State, req: &Req<'_>, job_id: &str) -> Reply {
    let account = match authorize(st, req, &[POWER]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(job) = st
        .jobs
        .iter_mut()
        .find(|j| j.id == job_id && j.account_id == account)
    else {
        return problem(
            &req.err,
            404,
            "not_found",
            "No job with this id exists.",
            vec![],
        );
    };
    job.polls = job.polls.saturating_add(1);
    let status = match (job.polls >= job.polls_needed, &job.fails_with) {
        (false, _) => "in_progress",
        (true, None) => "completed",
        (true, Some(_)) => "failed",
    };
    let reply = operation(job, status, "");
    if let Some(r) = st.vps_resets.iter_mut().find(|r| r.job_id == job_id) {
        r.status = status.into();
    }
    Reply::json(200, &reply)
}
