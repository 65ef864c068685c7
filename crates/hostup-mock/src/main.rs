//! `hostup-mock`: run the in-memory HostUp API mock on loopback until SIGTERM/SIGINT.

use hostup_mock::{serve_forever, Leaf, Profile, RateLimit, Seed};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

const HELP: &str = "\
hostup-mock: an in-memory HostUp API (VPS SSH keys, shared-hosting accounts and their SSH keys,
v1 VM key reset, VPS instances and the v2 VPS key reset with its jobs) for tests and demos.

USAGE:
    hostup-mock [--listen ADDR] [--seed FILE] [--url-file PATH] [--profile complete|legacy-key-writes]
                [--tls [--ca-out PATH] [--tls-leaf valid|expired|wrong-name]]
                [--rate-limit N/s]

OPTIONS:
    --listen ADDR     Loopback address to listen on (default 127.0.0.1:0 = a free port).
                      Non-loopback addresses are refused (exit code 2).
    --seed FILE       JSON seed for the initial world. Without it, the example world:
                      account 20000, token `mock-token` with all scopes, hosting account
                      acct_01hxa3b4c5d6e7f8g9h0j1k2m3, VM 10000, VPS
                      vps_01hxa3b4c5d6e7f8g9h0j1k2m3 named web-1 with primary IP 203.0.113.10,
                      and one VPS key \"workstation\" (ssh_01hxa3b4c5d6e7f8g9h0j1k2m3) that the
                      examples in examples/ use. A seed file starts from the same world without
                      that key.
    --url-file PATH   Also write the base URL to PATH once listening.
    --profile NAME    Which operations to serve (overrides the seed's \"profile\"):
                      complete   every operation of CONTRACT.md, the inferred ones included
                                 (the default);
                      legacy-key-writes
                                 a server without the v2 VPS key writes: POST /api/v2/ssh-keys
                                 and DELETE /api/v2/ssh-keys/{id} answer 404 with an HTML page,
                                 as a web server answers a route it lacks (HostUp's reference
                                 names both; some deployments lack them).
                      Both serve the hosting key removal and authorize by fingerprint.
                      Both serve the older GET/POST/DELETE /api/ssh-keys (X-API-Key, v1
                      envelopes, numeric ids = displayId, MD5 fingerprints) over the same keys.
    --rate-limit RATE A rate limit per API key (overrides the seed's \"rateLimit\"): N/s, N/m or
                      N/Ss (N requests per S seconds), e.g. 20/s. A fixed window per key (windows
                      start at whole multiples of its length since the Unix epoch), shared by
                      every client sending that key (Bearer token or X-API-Key). Every /api
                      reply for the key carries X-RateLimit-Limit, X-RateLimit-Remaining and
                      X-RateLimit-Reset (ISO 8601, when the window ends); once the window is
                      spent, requests are answered 429 rate_limited (v1 routes: RATE_LIMITED)
                      with Retry-After (whole seconds to the reset, at least 1) and are not
                      carried out (nor counted).
    --tls             Serve https: at start the mock generates a CA of its own and a server
                      certificate signed by it for 127.0.0.1 and localhost (the URL printed is
                      https://127.0.0.1:PORT). Clients must trust that CA, e.g. the provider's
                      ca_certificates = file(\"ca.pem\") or SSL_CERT_FILE=ca.pem.
    --ca-out PATH     With --tls: write the CA certificate (PEM) to PATH before the URL line.
    --tls-leaf KIND   With --tls: which server certificate to present (for a client's error
                      tests): valid (the default); expired (valid only in January 2020);
                      wrong-name (issued for wrong.example only).
    -h, --help        Show this help.

On start it prints one line: `hostup-mock listening on http://127.0.0.1:PORT`.

SEED FORMAT (every field optional; missing fields keep the defaults):
    { \"tokens\": [{\"token\": \"t\", \"scopes\": [\"read:vm\", \"write:account\",
                  \"read:hosting\", \"write:hosting\", \"console:services\",
                  \"power:vm\"], \"accountId\": \"20000\"}],
      \"vpsKeys\": [{\"name\": \"n\", \"publicKey\": \"ssh-ed25519 AAAA... c\",
                    \"id\": null, \"accountId\": null,
                    \"canRename\": {\"allowed\": false, \"reason\": \"...\", \"code\": \"pending_order\"},
                    \"canDelete\": {\"allowed\": true, \"reason\": null}}],
      \"hostingAccounts\": [{\"id\": \"acct_...\", \"accountId\": \"20000\", \"sshCommand\": \"ssh u@h\",
                            \"canAdd\": {\"allowed\": true, \"reason\": null},
                            \"name\": null, \"primaryDomain\": null, \"domains\": null,
                            \"customName\": null, \"serviceStatus\": \"active\",
                            \"sshKeys\": [{\"name\": \"n\", \"publicKey\": \"...\",
                                         \"withholdPublicKey\": false,
                                         \"withholdFingerprint\": false}]}],
      \"vms\": [{\"vmid\": 10000, \"accountId\": \"20000\"}],
      \"vpsInstances\": [{\"id\": \"vps_...\", \"name\": \"web-1\", \"primaryIp\": \"203.0.113.10\",
                         \"serviceStatus\": \"active\", \"powerState\": \"running\",
                         \"operatingSystem\": null, \"billing\": null, \"resources\": null,
                         \"accountId\": null}],
      \"faults\": {\"rate429\": 0.0, \"rate5xx\": 0.0, \"latencyMs\": 0, \"retryAfterSecs\": 0,
                  \"dropCreateReplies\": 0, \"unauthorizedImports\": 0,
                  \"forcedErrors\": [], \"brokenReplies\": [], \"omitRetryAfter\": false,
                  \"failResetJobs\": 0, \"resetFailureMessage\": \"\", \"resetJobPolls\": 0,
                  \"ignoreVpsFilters\": false, \"resetPollUrl\": \"\", \"seed\": 0},
      \"profile\": \"complete\",
      \"rateLimit\": {\"limit\": 20, \"windowSecs\": 1} }

    Scopes: a token needs read:vm for the VPS key list, write:account for VPS key writes,
    read:hosting for GET /api/v2/shared-hosting, and read:hosting + console:services (list) or
    write:hosting + console:services (import, remove, authorize) for hosting keys; a 403 names
    the scopes the token lacks.
    hostingAccounts   the accounts of GET /api/v2/shared-hosting (limit 1..100, default 20;
                      cursor from nextCursor, a bad one 400 invalid_cursor), in seed order, each
                      with billing and dates filled in. Defaults: primaryDomain
                      <id in lowercase>.example.com (the default account: example.se), domains
                      [primaryDomain], name customName else primaryDomain, serviceStatus active
                      (one of active, pending, suspended, cancelled, terminated, expired, fraud,
                      unknown; any other value is refused at start).
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
    withholdFingerprint  a hosting key listed with \"fingerprint\": null; the mock still removes
                      and authorizes it by its real fingerprint.
    unauthorizedImports  the next N hosting imports reply \"authorized\": false: the key is on
                      the account but not authorized until POST
                      /api/v2/shared-hosting/{accountId}/ssh-keys/{fingerprint}/actions/authorize.
                      To make the authorize fail, force an error on that route (forcedErrors).
                      GET /__mock/state shows each hosting key's \"authorized\".
    forcedErrors      [{\"route\": \"GET /api/v2/ssh-keys\", \"status\": 503, \"code\": \"\",
                        \"message\": \"\", \"count\": 1, \"html\": false, \"title\": \"\",
                        \"errors\": [], \"location\": \"\"}]:
                      message is the detail (v1: message); title replaces the status's title
                      (v1: error); errors are the problem's field errors ({\"pointer\", \"detail\",
                      \"code\"}); location is sent as the Location header (e.g. with a 301). A
                      forced 429 (and a random one, rate429) sends retryAfterSecs, however large, as
                      Retry-After (none with omitRetryAfter) and X-RateLimit-Reset as the ISO 8601
                      time that far ahead, with X-RateLimit-Limit 60, X-RateLimit-Remaining 0.
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
    tls: Option<Leaf>,
    ca_out: Option<String>,
    rate_limit: Option<RateLimit>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed: None,
        url_file: None,
        profile: None,
        tls: None,
        ca_out: None,
        rate_limit: None,
    };
    let mut leaf = None;
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
            "--rate-limit" => {
                let v = value("--rate-limit")?;
                args.rate_limit = Some(v.parse().map_err(|e| format!("--rate-limit: {e}"))?);
            }
            "--tls" => args.tls = Some(Leaf::Valid),
            "--ca-out" => args.ca_out = Some(value("--ca-out")?),
            "--tls-leaf" => {
                let v = value("--tls-leaf")?;
                leaf = Some(v.parse().map_err(|e| format!("--tls-leaf: {e}"))?);
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    if args.tls.is_none() && (leaf.is_some() || args.ca_out.is_some()) {
        return Err("--ca-out and --tls-leaf need --tls".to_string());
    }
    if let (Some(_), Some(l)) = (args.tls, leaf) {
        args.tls = Some(l);
    }
    Ok(Some(args))
}

fn load_seed(path: Option<&str>) -> Result<Seed, String> {
    let Some(path) = path else {
        return Ok(Seed::example());
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
    if let Some(r) = args.rate_limit {
        seed.rate_limit = Some(r);
    }
    serve_forever(seed, args.listen, args.tls, |url, ca_pem| {
        if let (Some(p), Some(pem)) = (&args.ca_out, ca_pem) {
            if let Err(e) = write_atomically(p, pem) {
                eprintln!("hostup-mock: cannot write --ca-out {p}: {e}");
            }
        }
        // URL file first (written to a temporary name, then renamed), so that whoever waits for
        // the stdout line, or polls for the file, never sees it missing or half-written.
        if let Some(p) = &args.url_file {
            if let Err(e) = write_atomically(p, url) {
                // The server is already up; say so loudly but keep serving.
                eprintln!("hostup-mock: cannot write --url-file {p}: {e}");
            }
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "hostup-mock listening on {url}");
        let _ = out.flush();
    })
}

/// Write to a temporary name, then rename, so a reader never sees the file half-written.
fn write_atomically(path: &str, text: &str) -> std::io::Result<()> {
    let tmp = format!("{path}.tmp{}", std::process::id());
    std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path))
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
