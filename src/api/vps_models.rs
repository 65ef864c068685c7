//! Wire models of the VPS area (`GET /api/v2/vps`, the v2 reset and its job), as CONTRACT.md's
//! "VPS instances (published)" and "VPS SSH key reset, v2" give them. Fields a client must ignore
//! are ignored; every field but the id defaults, so a null where one is allowed is no failure.

use super::models::Contract;
use super::pages::Listed;
use serde::{Deserialize, Serialize};

/// One item of `GET /api/v2/vps` (the provider reads only these fields).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsInstance {
    /// `vps_…`.
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub primary_ip: Option<String>,
    #[serde(default)]
    pub service_status: Option<String>,
    #[serde(default)]
    pub power_state: Option<String>,
}

impl Listed for VpsInstance {
    fn list_id(&self) -> &str {
        &self.id
    }
}

/// The statuses of an operation (CONTRACT.md, inferred from HostUp's other v2 VPS actions).
pub const JOB_STATUSES: &[&str] = &["pending", "queued", "in_progress", "completed", "failed"];

/// `{ "operation": {...} }`: the 202 reply of an action and every reply of its poll URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationReply {
    pub operation: Operation,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub status: String,
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub poll_url: Option<String>,
    #[serde(default)]
    pub result: Option<serde_json::Value>,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
}

impl Operation {
    pub fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "failed")
    }

    /// Why a failed operation failed: `result.message`, else `result.error` or `error` (a text,
    /// or an object's `message`), unclipped (the caller clips).
    pub fn failure_reason(&self) -> Option<String> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(o) => o.get("message")?.as_str().map(str::to_string),
            _ => None,
        };
        let result = self.result.as_ref();
        result
            .and_then(|r| r.get("message"))
            .and_then(|m| m.as_str().map(str::to_string))
            .or_else(|| result.and_then(|r| r.get("error")).and_then(text))
            .or_else(|| self.error.as_ref().and_then(text))
            .filter(|s| !s.trim().is_empty())
    }

    /// `result.message` of a completed operation, if it has one.
    pub fn message(&self) -> Option<String> {
        self.result
            .as_ref()?
            .get("message")?
            .as_str()
            .map(str::to_string)
    }
}

impl Contract for OperationReply {
    fn check(&self) -> Result<(), String> {
        let s = &self.operation.status;
        if !JOB_STATUSES.contains(&s.as_str()) {
            return Err(format!(
                "`operation.status` is \"{s}\", not one of {}",
                JOB_STATUSES.join(", ")
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(v: serde_json::Value) -> OperationReply {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_failed_operation_says_why_wherever_it_puts_it() {
        let reason = |o: serde_json::Value| op(json!({"operation": o})).operation.failure_reason();
        let failed = |extra: serde_json::Value| {
            let mut o = json!({"status": "failed", "jobId": "job_1"});
            o.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            o
        };
        assert_eq!(
            reason(failed(json!({"result": {"message": "disk busy"}}))),
            Some("disk busy".into())
        );
        assert_eq!(
            reason(failed(json!({"result": {"error": {"message": "locked"}}}))),
            Some("locked".into())
        );
        assert_eq!(
            reason(failed(json!({"error": "quota"}))),
            Some("quota".into())
        );
        assert_eq!(reason(failed(json!({"result": {"message": "  "}}))), None);
        assert_eq!(reason(failed(json!({"result": 7}))), None);
    }

    #[test]
    fn only_documented_statuses_pass() {
        for s in JOB_STATUSES {
            assert!(op(json!({"operation": {"status": s}})).check().is_ok());
        }
        let e = op(json!({"operation": {"status": "cancelled", "extra": 1}}))
            .check()
            .unwrap_err();
        assert!(e.contains("\"cancelled\""), "{e}");
        // Extra fields of an instance are ignored; nulls are allowed.
        let v: VpsInstance = serde_json::from_value(
            json!({"id": "vps_1", "name": null, "primaryIp": null, "billing": {"amount": 1}}),
        )
        .unwrap();
        assert_eq!(v.id, "vps_1");
        assert!(v.name.is_none());
    }
}
