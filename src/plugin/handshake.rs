//! The go-plugin handshake line and the stdout watcher that edits it.
//!
//! A plugin tells Terraform where to connect with one line on stdout:
//! `CORE|PROTO|NETWORK|ADDRESS|grpc|CERT`, e.g. `1|6|tcp|127.0.0.1:10001|grpc|MIIB...`, where
//! CERT is the server certificate's DER in base64 (standard alphabet, no padding), empty for
//! plain gRPC. tf-provider prints it for its own server, which we cannot configure; so stdout goes
//! through a pipe, and the first line is handed to a callback that may act on it (socket options
//! on tf-provider's listener) and replace it (point Terraform at the front) before Terraform
//! reads it. Terraform connects only after reading the line, so whatever the callback does is
//! done before the first connection.

use std::net::SocketAddr;

/// The fields of a handshake line that we read or replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    fields: Vec<String>,
}

impl Handshake {
    /// Parse a handshake line; `None` unless it has at least the five fields up to the protocol.
    pub fn parse(line: &str) -> Option<Handshake> {
        let fields: Vec<String> = line
            .trim_end_matches(['\r', '\n'])
            .split('|')
            .map(str::to_string)
            .collect();
        (fields.len() >= 5).then_some(Handshake { fields })
    }

    /// The server's address when it listens on TCP.
    pub fn tcp_addr(&self) -> Option<SocketAddr> {
        if self.fields[2] != "tcp" {
            return None;
        }
        self.fields[3].parse().ok()
    }

    /// The same line pointing at `addr`, with `cert_b64` as the certificate field (empty for
    /// plain gRPC). Other fields, including any go-plugin adds after the certificate, are kept.
    pub fn redirected(&self, addr: SocketAddr, cert_b64: &str) -> String {
        let mut fields = self.fields.clone();
        fields[3] = addr.to_string();
        if fields.len() < 6 {
            fields.resize(6, String::new());
        }
        fields[5] = cert_b64.to_string();
        let mut line = fields.join("|");
        line.push('\n');
        line
    }
}

#[cfg(unix)]
mod imp {
    use std::fs::File;
    use std::io::{BufRead, BufReader, Write};
    use std::os::fd::FromRawFd;

    /// Route stdout through a pipe whose first line goes through `on_first_line` (which returns
    /// the line to print instead). Call before anything is printed. False when stdout was left
    /// as it was (the callback will then never run).
    pub fn intercept_stdout<F>(on_first_line: F) -> bool
    where
        F: FnOnce(&str) -> String + Send + 'static,
    {
        // SAFETY: plain descriptor calls on descriptors this function owns; on any failure the
        // original stdout is left in place.
        unsafe {
            let real = libc::dup(1);
            if real < 0 {
                return false;
            }
            let mut fds = [0; 2];
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                libc::close(real);
                return false;
            }
            // Keep the pipe's read end out of child processes (none today, but cheap).
            libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC);
            if libc::dup2(fds[1], 1) < 0 {
                libc::close(real);
                libc::close(fds[0]);
                libc::close(fds[1]);
                return false;
            }
            libc::close(fds[1]);
            let (read, real_out) = (fds[0], real);
            // The thread takes ownership of both descriptors only once it runs: if it cannot
            // start, they are still ours to put back.
            let spawned = std::thread::Builder::new()
                .name("stdout".into())
                .spawn(move || {
                    // SAFETY: the descriptors were created above and are owned by this thread.
                    let (read, out) = (File::from_raw_fd(read), File::from_raw_fd(real_out));
                    forward(read, out, on_first_line)
                });
            if spawned.is_err() {
                libc::dup2(real, 1);
                libc::close(real);
                libc::close(fds[0]);
                return false;
            }
            true
        }
    }

    fn forward<F: FnOnce(&str) -> String>(read: File, mut out: File, on_first_line: F) {
        let mut reader = BufReader::new(read);
        let mut first = Vec::new();
        if reader.read_until(b'\n', &mut first).is_err() {
            return;
        }
        let line = on_first_line(&String::from_utf8_lossy(&first));
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
        let _ = std::io::copy(&mut reader, &mut out);
    }
}

#[cfg(unix)]
pub use imp::intercept_stdout;

/// Elsewhere stdout is left alone.
#[cfg(not(unix))]
pub fn intercept_stdout<F>(_on_first_line: F) -> bool
where
    F: FnOnce(&str) -> String + Send + 'static,
{
    false
}

#[cfg(test)]
mod tests {
    use super::Handshake;

    #[test]
    fn reads_the_address() {
        let h = Handshake::parse("1|6|tcp|127.0.0.1:1234|grpc|MIIB\n").unwrap();
        assert_eq!(h.tcp_addr(), Some("127.0.0.1:1234".parse().unwrap()));
        let h = Handshake::parse("1|6|tcp|[::1]:99|grpc|").unwrap();
        assert_eq!(h.tcp_addr().map(|a| a.port()), Some(99));
        let h = Handshake::parse("1|6|unix|/tmp/sock|grpc|").unwrap();
        assert_eq!(h.tcp_addr(), None);
        assert_eq!(Handshake::parse("hello"), None);
        assert_eq!(Handshake::parse(""), None);
    }

    #[test]
    fn redirects_address_and_certificate_only() {
        let front = "127.0.0.1:10000".parse().unwrap();
        let h = Handshake::parse("1|6|tcp|127.0.0.1:10001|grpc|\n").unwrap();
        assert_eq!(
            h.redirected(front, "MIIC"),
            "1|6|tcp|127.0.0.1:10000|grpc|MIIC\n"
        );
        assert_eq!(h.redirected(front, ""), "1|6|tcp|127.0.0.1:10000|grpc|\n");
        // No certificate field at all: one is added.
        let h = Handshake::parse("1|6|tcp|127.0.0.1:10001|grpc").unwrap();
        assert_eq!(
            h.redirected(front, "MIIC"),
            "1|6|tcp|127.0.0.1:10000|grpc|MIIC\n"
        );
        // Fields after the certificate are go-plugin's business: kept.
        let h = Handshake::parse("1|6|tcp|127.0.0.1:10001|grpc|OLD|true\n").unwrap();
        assert_eq!(
            h.redirected(front, "NEW"),
            "1|6|tcp|127.0.0.1:10000|grpc|NEW|true\n"
        );
    }
}
