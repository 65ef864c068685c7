//! Ctrl-C in the middle of an operation. Terraform answers SIGINT by sending StopProvider to every
//! provider and then keeps calling them (UpgradeResourceState, ReadResource, ...) for the
//! resources it still walks. The provider must keep answering those calls, with a clear
//! "interrupted" diagnostic where it cuts work short, and never vanish: "Plugin did not respond"
//! for every remaining resource is what a user saw when StopProvider shut the gRPC server down.

use crate::common::*;
use hostup_mock::Faults;
use serde_json::json;
use std::io::Read;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `n` keys from one resource block with for_each.
fn keys_config(n: u32) -> String {
    let keys: Vec<String> = (0..n)
        .map(|i| format!("    k{i} = {}", hcl(&test_key(30_000 + i, ""))))
        .collect();
    format!(
        "locals {{\n  keys = {{\n{}\n  }}\n}}\n\nresource \"hostup_vps_ssh_key\" \"k\" {{\n  for_each   = local.keys\n  name       = each.key\n  public_key = each.value\n}}\n",
        keys.join("\n")
    )
}

/// A Terraform run in its own process group whose output is collected as it comes, so the test
/// can wait for a line. Dropping it kills the group, so a failing test never leaves Terraform
/// (or the provider it started) behind.
struct Running {
    child: Child,
    output: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(tf: &Tf, args: &[&str]) -> Running {
        let mut child = tf.spawn_in_own_group(args);
        let output = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        let pipes: [Box<dyn Read + Send>; 2] = [
            Box::new(child.stdout.take().expect("stdout piped")),
            Box::new(child.stderr.take().expect("stderr piped")),
        ];
        for mut pipe in pipes {
            let output = output.clone();
            readers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    output
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }));
        }
        Running {
            child,
            output,
            readers,
        }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Signal the whole process group, as a terminal does.
    fn signal_group(&self, sig: libc::c_int) {
        // SAFETY: plain system call; the group id is the child's pid (spawned with
        // process_group(0)), so only Terraform and the plugins it started are signalled.
        unsafe {
            libc::killpg(self.child.id() as libc::pid_t, sig);
        }
    }

    /// Wait until the output contains `needle`; panics (killing the group) after `timeout`.
    fn wait_for_output(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.output().contains(needle) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Terraform exited ({status}) before printing {needle:?}:\n{}",
                    self.output()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} within {timeout:?}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait for Terraform to exit; panics (killing the group) after `timeout`.
    fn wait(mut self, timeout: Duration) -> (std::process::ExitStatus, String) {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "Terraform did not exit within {timeout:?}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        // The pipes close when the plugins Terraform started are gone too.
        for r in std::mem::take(&mut self.readers) {
            let _ = r.join();
        }
        (status, self.output())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.signal_group(libc::SIGKILL);
            let _ = self.child.wait();
        }
    }
}

/// Output Terraform or the provider must never show after an interruption.
const BROKEN: [&str; 5] = [
    "plugin did not respond",
    "connection refused",
    "internal error",
    "plugin exited unexpectedly",
    "panic",
];

/// Apply 20 keys, switch the mock to `faults`, start a plan and interrupt it once the refresh is
/// under way: SIGINT to the whole process group (a terminal's Ctrl-C) when `group`, else SIGTERM
/// to Terraform alone (what process supervisors and CI runners send; Terraform stops as on
/// Ctrl-C, and the provider hears of it only through StopProvider). Not SIGINT to Terraform
/// alone: Terraform 1.0 runs as a wrapper process that ignores SIGINT and forwards only SIGTERM
/// to the real Terraform. Returns the output, checked for [`BROKEN`], and how long Terraform took
/// to exit after the signal.
fn interrupted_plan(faults: serde_json::Value, group: bool) -> (String, Duration) {
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    tf.config(&keys_config(20));
    tf.apply();
    assert_eq!(mock.vps_keys().len(), 20);

    let faults: Faults = serde_json::from_value(faults).expect("faults");
    mock.set_faults(faults);
    let mut run = Running::start(&tf, &["plan", "-input=false", "-no-color"]);
    // Terraform prints this as it starts reading a resource from the provider; the inventory
    // request behind it is then on its way to the mock.
    run.wait_for_output("Refreshing state...", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    if group {
        run.signal_group(libc::SIGINT);
    } else {
        // SAFETY: plain system call on the child we spawned.
        unsafe {
            libc::kill(run.child.id() as libc::pid_t, libc::SIGTERM);
        }
    }
    let (status, output) = run.wait(Duration::from_secs(60));
    let took = sent.elapsed();
    eprintln!("[figures] plan stopped {took:?} after the signal ({status})");
    assert!(!status.success(), "an interrupted plan fails:\n{output}");
    let text = output.to_lowercase();
    for bad in BROKEN {
        assert!(!text.contains(bad), "{bad:?} in the output:\n{output}");
    }
    // Nothing was changed upstream by an interrupted plan.
    assert_eq!(mock.vps_keys().len(), 20);
    (output, took)
}

#[test]
fn ctrl_c_during_plan_answers_every_call() {
    // Every API request takes 2 s, so the refresh's inventory walk is still in flight when
    // Ctrl-C arrives, and half the resources are still waiting for Terraform's parallelism
    // slots: Terraform calls the provider for them after StopProvider.
    let (output, _) = interrupted_plan(json!({"latencyMs": 2000}), true);
    assert!(
        output.contains("Interrupt received"),
        "Terraform saw the interruption:\n{output}"
    );
}

#[test]
fn stop_provider_alone_cancels_the_provider() {
    // Every request is rate limited with a long Retry-After: the refresh waits a minute before
    // its next attempt unless the provider learns that Terraform is stopping.
    let (output, took) = interrupted_plan(json!({"rate429": 1.0, "retryAfterSecs": 60}), false);
    let joined = output.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains("interrupted: Terraform is stopping, so no further attempt was made"),
        "the provider says why the read was cut short:\n{output}"
    );
    assert!(
        took < Duration::from_secs(20),
        "stopped promptly, not after the retry wait: {took:?}"
    );
}

/// The same contract without Terraform, on plain gRPC (no `PLUGIN_CLIENT_CERT`): after
/// StopProvider the provider still serves calls, and it exits once told GRPCController.Shutdown,
/// as go-plugin does when Terraform is done with it.
#[test]
fn server_outlives_stop_provider_until_shutdown() {
    let mut cmd = std::process::Command::new(provider_bin());
    cmd.env_clear().stderr(std::process::Stdio::null());
    // Killed on drop, so a failing test leaves no provider behind.
    let mut plugin = hostup_testkit::plugin::spawn(&mut cmd, "6").expect("start the provider");
    let handshake = plugin
        .handshake(Duration::from_secs(10))
        .expect("handshake line");
    assert!(handshake.is_loopback_grpc(6), "{handshake:?}");
    assert_eq!(handshake.cert, None, "plain gRPC: no certificate");
    let addr = handshake.socket_addr().expect("a TCP address");
    let child = &mut plugin.child;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let (mut sender, conn) =
            hyper::client::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .handshake(hyper_util::rt::TokioIo::new(tcp))
                .await
                .expect("HTTP/2");
        tokio::spawn(conn);
        // Every request message here is empty: the 5-byte gRPC frame of length 0.
        let mut call = |path: &'static str| {
            let req = hyper::Request::post(format!("http://{addr}{path}"))
                .header("content-type", "application/grpc")
                .header("te", "trailers")
                .body(http_body_util::Full::new(hyper::body::Bytes::from_static(
                    &[0; 5],
                )))
                .unwrap();
            let reply = sender.send_request(req);
            async move {
                let reply = tokio::time::timeout(Duration::from_secs(10), reply)
                    .await
                    .unwrap_or_else(|_| panic!("{path}: no reply"))
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
                let headers = reply.headers().clone();
                let body = http_body_util::BodyExt::collect(reply.into_body())
                    .await
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
                let status = body
                    .trailers()
                    .and_then(|t| t.get("grpc-status"))
                    .or_else(|| headers.get("grpc-status"))
                    .map(|v| v.to_str().unwrap().to_string());
                (status, body.to_bytes())
            }
        };
        let (status, body) = call("/tfplugin6.Provider/StopProvider").await;
        assert_eq!(status.as_deref(), Some("0"));
        assert_eq!(&body[..], &[0; 5], "an empty StopProvider.Response");
        let (status, body) = call("/tfplugin6.Provider/GetProviderSchema").await;
        assert_eq!(status.as_deref(), Some("0"), "still serving after Stop");
        assert!(body.len() > 100, "a schema: {} bytes", body.len());
        let (status, _) = call("/plugin.GRPCController/Shutdown").await;
        assert_eq!(status.as_deref(), Some("0"));
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the provider did not exit within 10 s of GRPCController.Shutdown");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "clean exit: {status}");
}

/// Ctrl-C while a v2 reset waits for its job: the provider stops polling at once and fails the
/// reset, naming the job and saying it may still complete; the reset is not in the state, and
/// the POST was sent once.
#[test]
fn ctrl_c_while_a_v2_reset_waits_for_its_job() {
    const POLL: &str = "GET /api/jobs/{jobId}";
    let mock = MockServer::start(Seed::default());
    let tf = Tf::new(&mock);
    mock.insert_vps_key("deploy", &test_key(63, ""));
    let key = mock.vps_keys()[0].id.clone();
    tf.config(&format!(
        "resource \"hostup_vm_ssh_reset\" \"r\" {{\n  vps_id  = \"{}\"\n  key_ids = [\"{key}\"]\n}}\n",
        hostup_mock::fixtures::VPS_ID
    ));
    mock.set_faults(serde_json::from_value(json!({"resetJobPolls": 100000})).expect("faults"));
    let run = Running::start(
        &tf,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while mock.count(POLL) < 1 {
        assert!(Instant::now() < deadline, "no poll:\n{}", run.output());
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = Instant::now();
    run.signal_group(libc::SIGINT);
    let (status, output) = run.wait(Duration::from_secs(60));
    let took = sent.elapsed();
    assert!(!status.success(), "{output}");
    let joined = output.split_whitespace().collect::<Vec<_>>().join(" ");
    let job = mock.vps_resets()[0].job_id.clone();
    for needle in [
        "Interrupted while waiting for the SSH key reset",
        job.as_str(),
        "The reset may still complete",
    ] {
        assert!(joined.contains(needle), "no {needle:?}:\n{output}");
    }
    assert!(took < Duration::from_secs(20), "stopped promptly: {took:?}");
    assert_eq!(
        mock.count("POST /api/v2/vps/{id}/actions/reset-ssh-keys"),
        1
    );
    assert!(!tf
        .addresses()
        .contains(&"hostup_vm_ssh_reset.r".to_string()));
}
