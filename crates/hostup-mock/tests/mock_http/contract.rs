//! The mock's replies held against HostUp's documented shapes, so the mock cannot drift into
//! agreeing with a client that misreads the API. Every field below, its JSON type and whether it
//! must be present were copied by hand from the API description (HostUp's reference pages in
//! `shared/hostup-api/published/` and `CONTRACT.md`); the test never reads those files.
//!
//! Where each shape comes from, marked on every block:
//! - **published**: a reference page in `published/` (page number given) lists the field;
//! - **contract**: `CONTRACT.md` restates HostUp's further reference pages (the older
//!   `/api/ssh-keys` operations, the envelopes), from examples or prose where no type is given;
//! - **inferred**: `CONTRACT.md` marks the body or reply **(inferred)**.
//!
//! A documented field that is missing (where required) or of another JSON type fails; so does a
//! field the mock sends that the documentation does not name, unless `check::check` is given it
//! with the reason it is sent. The shapes are here, the checker in `check`, the operations in `ops`.

mod check;
mod ops;

use check::{opt, req, Field, ARR, BOOL, INT, NUM, NUM_NULL, OBJ, OBJ_NULL, STR, STR_NULL};

// ---- The documented shapes ----------------------------------------------------------------------

/// A gate `{allowed, reason, code?}` at `p` (published, pages 001, 002, 004).
fn gate(p: &str) -> Vec<Field> {
    vec![
        req(p, OBJ),
        req(format!("{p}.allowed"), BOOL),
        req(format!("{p}.reason"), STR_NULL),
        opt(format!("{p}.code"), STR_NULL),
    ]
}

/// A VPS key at prefix `p` ("" or "data[]."): published, page 002 (list items: which fields are
/// required) and page 001 (the rename reply: the same fields). `actions` is documented as present
/// on the account-level inventory, which these operations are, so it is required here.
fn vps_key(p: &str) -> Vec<Field> {
    let mut f = vec![
        req(format!("{p}id"), STR),
        opt(format!("{p}displayId"), STR),
        req(format!("{p}name"), STR),
        req(format!("{p}publicKey"), STR),
        req(format!("{p}fingerprint"), STR_NULL),
        Field {
            one_of: &["rsa", "ed25519", "ecdsa", "dsa", "unknown"],
            ..req(format!("{p}keyType"), STR)
        },
        req(format!("{p}createdAt"), STR_NULL),
        opt(format!("{p}lastUsedAt"), STR_NULL),
        req(format!("{p}actions"), OBJ),
    ];
    f.extend(gate(&format!("{p}actions.canRename")));
    f.extend(gate(&format!("{p}actions.canDelete")));
    f
}

/// `GET /api/v2/ssh-keys`: published, page 002 (`data`, `hasMore`, `nextCursor` unmarked there;
/// required by the envelope CONTRACT.md gives).
fn vps_page() -> Vec<Field> {
    let mut f = vec![
        req("data", ARR),
        req("hasMore", BOOL),
        req("nextCursor", STR_NULL),
    ];
    f.extend(vps_key("data[]."));
    f
}

/// `GET /api/v2/shared-hosting/{accountId}/ssh-keys`: published, page 004. `sshCommand` is in
/// the page's example reply and description (not its field list) and in CONTRACT.md.
fn hosting_list() -> Vec<Field> {
    let mut f = vec![
        req("sshKeys", ARR),
        req("sshKeys[].id", STR),
        req("sshKeys[].name", STR),
        req("sshKeys[].fingerprint", STR_NULL),
        req("sshKeys[].type", STR),
        req("sshKeys[].bits", NUM_NULL),
        req("sshKeys[].comment", STR_NULL),
        req("sshKeys[].publicKey", STR_NULL),
        req("sshCommand", STR),
        req("actions", OBJ),
    ];
    f.extend(gate("actions.canAdd"));
    f
}

/// 201 of the hosting import: published, page 003 (`fingerprint` a string, not null).
fn hosting_imported() -> Vec<Field> {
    vec![
        req("id", STR),
        req("name", STR),
        req("fingerprint", STR),
        req("imported", BOOL),
        req("authorized", BOOL),
    ]
}

/// 200 of `POST …/ssh-keys/{fingerprint}/actions/authorize`: published (CONTRACT.md's table and
/// hosting section: `{name, fingerprint, authorized}`).
fn hosting_authorized() -> Vec<Field> {
    vec![
        req("name", STR),
        req("fingerprint", STR),
        req("authorized", BOOL),
    ]
}

/// `GET /api/v2/shared-hosting`: published (CONTRACT.md "Shared-hosting accounts"); the
/// envelope is inferred to be the VPS key list's.
fn account_page() -> Vec<Field> {
    vec![
        req("data", ARR),
        req("hasMore", BOOL),
        req("nextCursor", STR_NULL),
        req("data[].id", STR),
        req("data[].name", STR),
        req("data[].primaryDomain", STR_NULL),
        req("data[].domains", ARR),
        req("data[].customName", STR_NULL),
        Field {
            one_of: &[
                "active",
                "pending",
                "suspended",
                "cancelled",
                "terminated",
                "expired",
                "fraud",
                "unknown",
            ],
            ..req("data[].serviceStatus", STR)
        },
        req("data[].billing", OBJ),
        req("data[].billing.amount", NUM_NULL),
        req("data[].billing.currencyCode", STR),
        req("data[].billing.billingCycle", STR),
        req("data[].createdAt", STR_NULL),
        req("data[].nextDueAt", STR_NULL),
        req("data[].expiresAt", STR_NULL),
    ]
}

/// 200 of the v1 VM reset: published, page 000 (`vmid` and `accountId` strings).
fn reset_reply() -> Vec<Field> {
    vec![
        req("success", BOOL),
        req("timestamp", STR),
        req("requestId", STR),
        req("data", OBJ),
        req("data.success", BOOL),
        req("data.message", STR),
        req("data.keyCount", INT),
        req("data.vmid", STR),
        req("data.accountId", STR),
    ]
}

/// `GET /api/v2/vps`: published (CONTRACT.md "VPS instances (published)"); the envelope as on the
/// key list (inferred). `operatingSystem` may be null.
fn vps_instance_page() -> Vec<Field> {
    vec![
        req("data", ARR),
        req("hasMore", BOOL),
        req("nextCursor", STR_NULL),
        req("data[].id", STR),
        req("data[].name", STR),
        req("data[].primaryIp", STR_NULL),
        Field {
            one_of: &[
                "active",
                "suspended",
                "terminated",
                "pending",
                "cancelled",
                "expired",
                "fraud",
                "unknown",
            ],
            ..req("data[].serviceStatus", STR)
        },
        Field {
            one_of: &[
                "running",
                "stopped",
                "starting",
                "stopping",
                "paused",
                "provisioning",
                "error",
                "unknown",
            ],
            ..req("data[].powerState", STR_NULL)
        },
        req("data[].operatingSystem", OBJ_NULL),
        opt("data[].operatingSystem.displayName", STR_NULL),
        opt("data[].operatingSystem.family", STR_NULL),
        opt("data[].operatingSystem.version", STR_NULL),
        opt("data[].operatingSystem.variant", STR_NULL),
        req("data[].billing", OBJ),
        req("data[].billing.amount", NUM),
        req("data[].billing.currencyCode", STR),
        req("data[].billing.billingCycle", STR),
        req("data[].billing.isPayg", BOOL),
        req("data[].resources", OBJ),
        req("data[].resources.cpuCores", INT),
        req("data[].resources.memoryGb", NUM),
        req("data[].resources.storageGb", NUM),
    ]
}

/// `{operation}` of the v2 reset and its poll URL: inferred (CONTRACT.md "VPS SSH key reset, v2").
fn operation_reply() -> Vec<Field> {
    vec![
        req("operation", OBJ),
        Field {
            one_of: &["pending", "queued", "in_progress", "completed", "failed"],
            ..req("operation.status", STR)
        },
        req("operation.jobId", STR),
        req("operation.pollUrl", STR),
        req("operation.result", OBJ_NULL),
        opt("operation.result.message", STR),
    ]
}

/// The v1 success envelope around `data` (contract: `{success, timestamp, requestId, data}`, the
/// types as on page 000).
fn v1_envelope(data: Vec<Field>) -> Vec<Field> {
    let mut f = vec![
        req("success", BOOL),
        req("timestamp", STR),
        req("requestId", STR),
        req("data", OBJ),
    ];
    f.extend(data);
    f
}

/// A key of the older view at `p` (contract: `id` an integer, `client_id` a string as in its
/// example; `name`, `key`, `fingerprint` have no stated type: strings, from the prose).
fn older_key(p: &str) -> Vec<Field> {
    vec![
        req(format!("{p}id"), INT),
        req(format!("{p}client_id"), STR),
        req(format!("{p}name"), STR),
        req(format!("{p}key"), STR),
        req(format!("{p}fingerprint"), STR),
    ]
}

/// RFC 7807 problem (published, the error replies of pages 001 to 004; CONTRACT.md's envelope
/// shows every one of these, so the mock must send them all). `errors` only for
/// `invalid_request`; the mock never sends `extensions` (documented, optional).
fn problem_doc() -> Vec<Field> {
    vec![
        req("type", STR),
        req("title", STR),
        req("status", INT),
        req("detail", STR),
        req("code", STR),
        req("instance", STR),
        req("requestId", STR),
        req("timestamp", STR),
        opt("errors", ARR),
        req("errors[].pointer", STR),
        req("errors[].detail", STR),
        req("errors[].code", STR),
        opt("extensions", OBJ),
    ]
}

/// The v1 error envelope: published, page 000 (its 500); contract for the other statuses.
fn v1_error_doc() -> Vec<Field> {
    vec![
        req("code", STR),
        req("error", STR),
        req("message", STR),
        req("requestId", STR),
        req("timestamp", STR),
    ]
}
