//! `hostup-mock`: run the in-memory HostUp API mock on loopback until SIGTERM/SIGINT.

use hostup_mock::{serve_forever, Profile, RateLimit, Seed};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

const HELP: &str = "\
hostup-mock: an in-memory HostUp API (VPS SSH keys, shared-hosting SSH keys, v1 VM key reset)
for tests and demos.

USAGE:
    hostup-mock [--listen ADDR] [--seed FILE] [--url-file PATH] [--profile complete|published]
                [--rate-limit N/s]

OPTIONS:
    --listen ADDR     Loopback address to listen on (default 127.0.0.1:0 = a free port).
                      Non-loopback addresses are refused (exit code 2).
    --seed FILE       JSON seed for the initial world (default: account 20000, token
                      `mock-token` with all scopes, hosting account
                      acct_01hxa3b4c5d6e7f8g9h0j1k2m3, VM 10000, no keys).
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
    --rate-limit RATE A rate limit per API key (overrides the seed's \"rateLimit\"): N/s, N/m or
                      N/Ss (N requests per S seconds), e.g. 20/s. A fixed window per key (windows
                      start at whole multiples of its length since the Unix epoch), shared by
                      every client sending that key (Bearer token or X-API-Key). Every /api
                      reply for the key carries X-RateLimit-Limit, X-RateLimit-Remaining and
                      X-RateLimit-Reset (ISO 8601, when the window ends); once the window is
                      spent, requests are answered 429 rate_limited (v1 routes: RATE_LIMITED)
                      with Retry-After (whole seconds to the reset, at least 1) and are not
                      carried out (nor counted).
    -h, --help        Show this help.

On start it prints one line: `hostup-mock listening on http://127.0.0.1:PORT`.

SEED FORMAT (every field optional; missing fields keep the defaults):
    { \"tokens\": [{\"token\": \"t\", \"scopes\": [\"read:vm\", \"write:account\",
                  \"read:hostingconsole:services\", \"write:hostingconsole:services\"],
                  \"accountId\": \"20000\"}],
      \"vpsKeys\": [{\"name\": \"n\", \"publicKey\": \"ssh-ed25519 AAAA... c\",
                    \"id\": null, \"accountId\": null,
                    \"canRename\": {\"allowed\": false, \"reason\": \"...\", \"code\": \"pending_order\"},
                    \"canDelete\": {\"allowed\": true, \"reason\": null}}],
      \"hostingAccounts\": [{\"id\": \"acct_...\", \"accountId\": \"20000\", \"sshCommand\": \"ssh u@h\",
                            \"canAdd\": {\"allowed\": true, \"reason\": null},
                            \"sshKeys\": [{\"name\": \"n\", \"publicKey\": \"...\",
                                         \"withholdPublicKey\": false}]}],
      \"vms\": [{\"vmid\": 10000, \"accountId\": \"20000\"}],
      \"faults\": {\"rate429\": 0.0, \"rate5xx\": 0.0, \"latencyMs\": 0, \"retryAfterSecs\": 0,
                  \"omitRetryAfter\": false, \"dropCreateReplies\": 0, \"forcedErrors\": [], \"brokenReplies\": [],
                  \"seed\": 0},
      \"profile\": \"complete\",
      \"rateLimit\": {\"limit\": 20, \"windowSecs\": 1} }

    withholdPublicKey  a hosting key listed with \"publicKey\": null (fingerprint, type, bits and
                      comment still reported), as HostUp may list it.
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
    rate_limit: Option<RateLimit>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed: None,
        url_file: None,
        profile: None,
        rate_limit: None,
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
            "--rate-limit" => {
                let v = value("--rate-limit")?;
                args.rate_limit = Some(v.parse().map_err(|e| format!("--rate-limit: {e}"))?);
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
    if let Some(r) = args.rate_limit {
        seed.rate_limit = Some(r);
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
