//! Starting a provider as Terraform does, and its go-plugin handshake line.
//!
//! Terraform starts a provider with a magic cookie in the environment (without it the provider
//! refuses to run, so a user who starts it by hand is told what it is) and the plugin protocol
//! versions it speaks; the provider answers with one stdout line,
//! `CORE|APP|NETWORK|ADDR|PROTOCOL[|CERT]`, e.g. `1|6|tcp|127.0.0.1:41233|grpc|`.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The environment variable of go-plugin's magic cookie, and Terraform's value for it.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A provider process started by [`spawn`]; killed when dropped if it still runs.
pub struct Plugin {
    pub child: Child,
    first_line: Receiver<(io::Result<String>, Instant)>,
}

/// Start `cmd` as Terraform starts a provider offering `protocol_versions` (e.g. `"6"` or
/// `"5,6"`): magic cookie set, stdin closed, stdout piped to a reader thread. Stderr is left as
/// the caller set it.
pub fn spawn(cmd: &mut Command, protocol_versions: &str) -> io::Result<Plugin> {
    let mut child = cmd
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", protocol_versions)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = tx.send((read, Instant::now()));
        // Go on reading: a provider that lives on must not write into a closed pipe. The thread
        // ends when the provider does.
        let _ = io::copy(&mut reader, &mut io::sink());
    });
    Ok(Plugin {
        child,
        first_line: rx,
    })
}

impl Plugin {
    /// The first stdout line (without its line ending) and when it arrived, waiting at most
    /// `timeout`; an error if stdout closed first or nothing came in time.
    pub fn first_line(&self, timeout: Duration) -> Result<(String, Instant), String> {
        match self.first_line.recv_timeout(timeout) {
            Ok((Ok(line), at)) if !line.is_empty() => Ok((line.trim_end().to_string(), at)),
            Ok((Ok(_), _)) => Err("exited without a handshake line".into()),
            Ok((Err(e), _)) => Err(format!("reading the handshake line: {e}")),
            Err(_) => Err(format!("no handshake line within {timeout:?}")),
        }
    }

    /// The first line, parsed.
    pub fn handshake(&self, timeout: Duration) -> Result<Handshake, String> {
        Handshake::parse(&self.first_line(timeout)?.0)
    }

    /// Kill the provider (if it still runs) and reap it.
    pub fn kill(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A parsed handshake line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// go-plugin's core protocol version (1).
    pub core: u32,
    /// The plugin protocol version the provider chose (5 or 6 for Terraform).
    pub protocol: u32,
    /// `tcp` or `unix`.
    pub network: String,
    /// `HOST:PORT`, or a socket path.
    pub addr: String,
    /// `grpc` (or `netrpc` for ancient plugins).
    pub transport: String,
    /// The server certificate (base64 DER) for automatic mTLS; `None` when empty or absent.
    pub cert: Option<String>,
}

impl Handshake {
    /// Five fields, or six with the certificate (which may be empty).
    pub fn parse(line: &str) -> Result<Handshake, String> {
        let f: Vec<&str> = line.trim_end().split('|').collect();
        if !(5..=6).contains(&f.len()) {
            return Err(format!(
                "not a handshake line (5 or 6 `|` fields): {line:?}"
            ));
        }
        let number = |s: &str| {
            s.parse::<u32>()
                .map_err(|_| format!("not a handshake line ({s:?} is not a version): {line:?}"))
        };
        Ok(Handshake {
            core: number(f[0])?,
            protocol: number(f[1])?,
            network: f[2].to_string(),
            addr: f[3].to_string(),
            transport: f[4].to_string(),
            cert: f.get(5).filter(|c| !c.is_empty()).map(|c| c.to_string()),
        })
    }

    /// The TCP address, if the provider listens on TCP.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        (self.network == "tcp")
            .then(|| self.addr.parse().ok())
            .flatten()
    }

    /// What Terraform accepts from this provider: core protocol 1, plugin protocol `protocol`,
    /// gRPC over TCP on loopback (the provider never listens beyond the machine).
    pub fn is_loopback_grpc(&self, protocol: u32) -> bool {
        self.core == 1
            && self.protocol == protocol
            && self.transport == "grpc"
            && self.socket_addr().is_some_and(|a| a.ip().is_loopback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> bool {
        Handshake::parse(line).is_ok_and(|h| h.is_loopback_grpc(6))
    }

    #[test]
    fn handshake_lines_are_recognised() {
        assert!(ok("1|6|tcp|127.0.0.1:1025|grpc|"));
        assert!(ok("1|6|tcp|127.0.0.1:1025|grpc|MIIB..."));
        assert!(ok("1|6|tcp|[::1]:1025|grpc"));
        assert!(!ok("1|5|tcp|127.0.0.1:1025|grpc|"));
        assert!(!ok("1|6|tcp|10.0.0.1:1025|grpc|"));
        assert!(!ok("1|6|unix|/tmp/x|grpc|"));
        assert!(!ok("1|6|tcp|127.0.0.1:1025|netrpc|"));
        assert!(!ok("2|6|tcp|127.0.0.1:1025|grpc|"));
    }

    #[test]
    fn parse_reads_every_field() {
        let h = Handshake::parse("1|6|tcp|127.0.0.1:1025|grpc|MIIB\n").unwrap();
        assert_eq!(h.socket_addr(), Some("127.0.0.1:1025".parse().unwrap()));
        assert_eq!(h.cert.as_deref(), Some("MIIB"));
        assert_eq!(
            Handshake::parse("1|6|tcp|127.0.0.1:1|grpc|").unwrap().cert,
            None
        );
        for bad in [
            "",
            "hello",
            "1|6|tcp|127.0.0.1:1",
            "x|6|tcp|a|grpc",
            "1|6|tcp|a|grpc|c|d",
        ] {
            assert!(Handshake::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// `spawn` and `first_line` on a stand-in that prints a handshake and then more, and on one
    /// that prints nothing.
    #[test]
    fn first_line_of_a_started_process() {
        let mut sh = Command::new("sh");
        sh.args([
            "-c",
            "[ \"$TF_PLUGIN_MAGIC_COOKIE\" = d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2 ] && \
             echo \"1|$PLUGIN_PROTOCOL_VERSIONS|tcp|127.0.0.1:1025|grpc|\" && echo more && sleep 30",
        ]);
        let plugin = spawn(&mut sh, "6").expect("sh");
        let h = plugin.handshake(Duration::from_secs(10)).unwrap();
        assert!(h.is_loopback_grpc(6), "{h:?}");
        drop(plugin); // kills the sleep

        let silent = spawn(&mut Command::new("true"), "6").expect("true");
        let err = silent.first_line(Duration::from_secs(10)).unwrap_err();
        assert!(err.contains("exited without"), "{err}");
        let slow = spawn(Command::new("sleep").arg("30"), "6").expect("sleep");
        let err = slow.first_line(Duration::from_millis(100)).unwrap_err();
        assert!(err.contains("within"), "{err}");
    }
}
