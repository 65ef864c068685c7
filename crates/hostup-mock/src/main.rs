//! `hostup-mock`: run the in-memory HostUp API mock on loopback until SIGTERM/SIGINT.

use hostup_mock::{serve_forever, Profile, Seed};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

const HELP: &str = "\
hostup-mock: an in-memory HostUp API (VPS SSH keys, shared-hosting SSH keys, v1 VM key reset,
VPS instances and the v2 VPS key reset with its jobs) for tests and demos.

USAGE:
    hostup-mock [--listen ADDR] [--seed FILE] [--url-file PATH] [--profile complete|published]

OPTIONS:
    --listen ADDR     Loopback address to listen on (default 127.0.0.1:0 = a free port).
                      Non-loopback addresses are refused (exit code 2).
    --seed FILE       JSON seed for the initial world (default: account 20000, token
                      `mock-token` with all scopes, hosting account
                      acct_01hxa3b4c5d6e7f8g9h0j1k2m3, VM 10000, VPS
                      vps_01hxa3b4c5d6e7f8g9h0j1k2m3 named web-1 with primary IP
                      203.0.113.10, no keys).
    --url-file PATH   Also write the base URL to PATH once listening.
    --profile NAME    Which operations to serve (overrides the seed's \"profile\"):
                      complete   every operation of CONTRACT.md, the inferred ones included
                                 (the default);
                      published  only what HostUp's reference publishes: POST /api/v2/ssh-keys
                                 and DELETE /api/v2/ssh-keys/{id} answer 404 with an HTML page,
                                 DELETE /api/v2/shared-hosting/{accountId}/ssh-keys/{keyId} 405,
                                 as a web server answers a route it lacks.
                      Both serve the older GET/POST/DELETE /api/ssh-keys (X-API-Key, v1
                      envelopes, numeric ids = displayId, MD5 fingerprints) over the same keys.
    -h, --help        Show this help.

On start it prints one line: `hostup-mock listening on http://127.0.0.1:PORT`.

SEED FORMAT (every field optional; missing fields keep the defaults):
    { \"tokens\": [{\"token\": \"t\", \"scopes\": [\"read:vm\", \"write:account\",
                  \"read:hostingconsole:services\", \"write:hostingconsole:services\",
                  \"power:vm\"], \"accountId\": \"20000\"}],
      \"vpsKeys\": [{\"name\": \"n\", \"publicKey\": \"ssh-ed25519 AAAA... c\",
                    \"id\": null, \"accountId\": null,
                    \"canRename\": {\"allowed\": false, \"reason\": \"...\", \"code\": \"pending_order\"},
                    \"canDelete\": {\"allowed\": true, \"reason\": null}}],
      \"hostingAccounts\": [{\"id\": \"acct_...\", \"accountId\": \"20000\", \"sshCommand\": \"ssh u@h\",
                            \"canAdd\": {\"allowed\": true, \"reason\": null},
                            \"sshKeys\": [{\"name\": \"n\", \"publicKey\": \"...\",
                                         \"withholdPublicKey\": false}]}],
      \"vms\": [{\"vmid\": 10000, \"accountId\": \"20000\"}],
      \"vpsInstances\": [{\"id\": \"vps_...\", \"name\": \"web-1\", \"primaryIp\": \"203.0.113.10\",
                         \"serviceStatus\": \"active\", \"powerState\": \"running\",
                         \"operatingSystem\": null, \"billing\": null, \"resources\": null,
                         \"accountId\": null}],
      \"faults\": {\"rate429\": 0.0, \"rate5xx\": 0.0, \"latencyMs\": 0, \"retryAfterSecs\": 0,
                  \"dropCreateReplies\": 0, \"forcedErrors\": [], \"brokenReplies\": [],
                  \"failResetJobs\": 0, \"resetFailureMessage\": \"\", \"resetJobPolls\": 0,
                  \"ignoreVpsFilters\": false, \"resetPollUrl\": \"\", \"seed\": 0},
      \"profile\": \"complete\" }

    vpsInstances      the VPS list (GET /api/v2/vps: pages of limit 1..100, a bad cursor is 400
                      invalid_cursor; filters name, exact ignoring case, and primaryIp, exact).
                      serviceStatus defaults to active, powerState to running (null is kept);
                      operatingSystem is {\"displayName\", \"family\", \"version\", \"variant\"},
                      billing {\"amount\", \"currencyCode\", \"billingCycle\", \"isPayg\"},
                      resources {\"cpuCores\", \"memoryGb\", \"storageGb\"} (defaults when null).
                      Ids must start with vps_. ignoreVpsFilters: the list ignores its filters.
    v2 reset          POST /api/v2/vps/{id}/actions/reset-ssh-keys (scope power:vm, body
                      {\"keyIds\": [\"ssh_...\"]}) answers 202 {\"operation\": {\"status\": \"queued\",
                      \"jobId\", \"pollUrl\": \"/api/jobs/{jobId}\", \"result\": null}}; an unknown VPS
                      is 404 not_found, a key id not in the inventory 400 invalid_request with
                      errors[].pointer /keyIds/N. Each GET /api/jobs/{jobId} moves the job on:
                      in_progress, then (after resetJobPolls polls, default 2) completed, or
                      failed with result.message = resetFailureMessage for the next
                      failResetJobs resets. resetPollUrl, when set, is the pollUrl every reset
                      names instead (e.g. another host's). GET /__mock/state lists the resets
                      under vpsResets.
    withholdPublicKey  a hosting key listed with \"publicKey\": null (fingerprint, type, bits and
                      comment still reported), as HostUp may list it.
    forcedErrors      [{\"route\": \"GET /api/v2/ssh-keys\", \"status\": 503, \"code\": \"\",
                        \"message\": \"\", \"count\": 1, \"html\": false, \"title\": \"\",
                        \"errors\": [], \"location\": \"\"}]:
                      message is the detail (v1: message); title replaces the status's title
                      (v1: error); errors are the problem's field errors ({\"pointer\", \"detail\",
                      \"code\"}); location is sent as the Location header (e.g. with a 301). A
                      forced 429 sends retryAfterSecs, however large, as Retry-After.
    brokenReplies     [{\"route\": \"GET /api/v2/ssh-keys\", \"shape\": \"emptyObject\", \"count\": 1}]:
                      the next `count` requests on the route answer 200 but break the contract.
                      Shapes: emptyObject (`200 {}`, nothing carried out); hasMoreWithoutCursor
                      (the real reply with hasMore: true, nextCursor: null); successFalse and
                      innerSuccessFalse (the v1 reset answers success: false at both levels, or
                      only in `data`; no reset is carried out); endlessList (`200 {\"data\": [],
                      \"hasMore\": true}` with a new cursor every time: with a large count, a
                      list that never ends); withoutId (a create is carried out, its reply lacks
                      `id`); repeatedPage (the first page again whatever the cursor, with
                      hasMore: true and a new cursor); hugeString (`200`, one JSON string of 32 MiB, past any sane reply
                      cap; nothing carried out).
    Routes are \"METHOD /template\", e.g. \"GET /api/v2/shared-hosting/{accountId}/ssh-keys\",
    \"POST /api/vm/{vmid}/reset-ssh-keys\".

ADMIN ENDPOINTS (no auth): GET /__mock/state, GET|DELETE /__mock/requests,
GET|PUT /__mock/faults, POST /__mock/vps-keys, DELETE /__mock/vps-keys/{id},
PUT /__mock/hosting-accounts/{id}/can-add (body: {\"allowed\": false, \"reason\": \"...\",
\"code\": \"...\"}), DELETE /__mock/hosting-accounts/{id} (the account and its keys are gone:
its routes answer 404).
";

struct Args {
    listen: SocketAddr,
    seed: Option<String>,
    url_file: Option<String>,
    profile: Option<Profile>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed: None,
        url_file: None,
        profile: None,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(a) = it.next() {
        let a = a
            .into_string()
            .map_err(|_| "arguments must be valid UTF-8".to_string())?;
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .and_then(|v| v.into_string().ok())
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value("--listen")?;
                args.listen = v.parse().map_err(|_| {
                    format!("--listen: `{v}` is not an address like 127.0.0.1:8080")
                })?;
            }
            "--seed" => args.seed = Some(value("--seed")?),
            "--url-file" => args.url_file = Some(value("--url-file")?),
            "--profile" => {
                let v = value("--profile")?;
                args.profile = Some(v.parse().map_err(|e| format!("--profile: {e}"))?);
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    Ok(Some(args))
}

fn load_seed(path: Option<&str>) -> Result<Seed, String> {
    let Some(path) = path else {
        return Ok(Seed::default());
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read seed file {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("invalid seed file {path}: {e}"))
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        print!("{HELP}");
        return Ok(());
    };
    if !args.listen.ip().is_loopback() {
        return Err(format!(
            "refusing to listen on {}: hostup-mock only listens on a loopback address (127.0.0.1 or ::1)",
            args.listen
        ));
    }
    let mut seed = load_seed(args.seed.as_deref())?;
    if let Some(p) = args.profile {
        seed.profile = p;
    }
    serve_forever(seed, args.listen, |url| {
        // URL file first (written to a temporary name, then renamed), so that whoever waits for
        // the stdout line, or polls for the file, never sees it missing or half-written.
        if let Some(p) = &args.url_file {
            let tmp = format!("{p}.tmp{}", std::process::id());
            if let Err(e) = std::fs::write(&tmp, url).and_then(|()| std::fs::rename(&tmp, p)) {
                // The server is already up; say so loudly but keep serving.
                eprintln!("hostup-mock: cannot write --url-file {p}: {e}");
            }
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "hostup-mock listening on {url}");
        let _ = out.flush();
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hostup-mock: {e}");
            ExitCode::from(2)
        }
    }
}
