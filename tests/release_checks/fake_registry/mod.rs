//! A provider registry on loopback for `release`: Terraform's `host` block in a CLI
//! configuration sends the registry's provider requests here.

use crate::common::Tf;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A provider registry on loopback (the providers.v1 protocol) that lists `versions` of
/// hostup/hostup, for no real platform, and answers 404 to everything else; it records the
/// paths asked for.
pub struct FakeRegistry {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FakeRegistry {
    pub fn start(versions: &[&str]) -> FakeRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/v1/providers/", listener.local_addr().unwrap());
        let listed: Vec<serde_json::Value> = versions
            .iter()
            .map(|v| {
                serde_json::json!({
                    "version": v,
                    "protocols": ["6.0"],
                    "platforms": [{"os": "plan9", "arch": "mips"}],
                })
            })
            .collect();
        let body = serde_json::json!({ "versions": listed }).to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().expect("clone"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                // Skip the headers: GET requests have no body.
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let reply = if path == "/v1/providers/hostup/hostup/versions" && !listed.is_empty()
                {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_string()
                };
                log.lock().unwrap().push(path);
                let _ = conn.write_all(reply.as_bytes());
            }
        });
        FakeRegistry { url, requests }
    }

    /// Make `tf`'s CLI configuration `rc` plus `host` blocks that send both registries' provider
    /// requests here.
    pub fn use_in(&self, tf: &Tf, rc: &str) {
        let mut config = rc.to_string();
        for host in ["registry.terraform.io", "registry.opentofu.org"] {
            config.push_str(&format!(
                "\nhost \"{host}\" {{\n  services = {{\n    \"providers.v1\" = \"{}\"\n  }}\n}}\n",
                self.url
            ));
        }
        std::fs::write(tf.dir.join("terraform.rc"), config).expect("write CLI config");
        let _ = std::fs::remove_dir_all(tf.dir.join(".terraform"));
        let _ = std::fs::remove_file(tf.dir.join(".terraform.lock.hcl"));
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn asked_for_versions(&self) -> bool {
        self.requests()
            .iter()
            .any(|p| p == "/v1/providers/hostup/hostup/versions")
    }
}
