//! TCP_NODELAY on the plugin's gRPC listener.
//!
//! tf-provider's gRPC server leaves Nagle's algorithm on. A reply written in several small TCP
//! writes then waits for Terraform's delayed ACK (about 40 ms) before its last frame leaves, so
//! each call costs tens of milliseconds of idle time: a refresh-only plan of 1000 keys took 6 s
//! instead of 1.4 s. tf-provider gives no access to its socket, but Linux and the BSDs copy
//! TCP_NODELAY from a listening socket to the connections it accepts, and Terraform connects only
//! after it has read the plugin's handshake line (`1|6|tcp|127.0.0.1:PORT|grpc|...`) on stdout.
//! So stdout is passed through a pipe: when the handshake line goes by, the listening socket on
//! that port gets TCP_NODELAY, and only then is the line forwarded to Terraform.
//!
//! Any failure leaves things as they were: at worst the provider is slower, never unreachable.

/// The port of a go-plugin handshake line, if it is one over TCP.
pub fn handshake_port(line: &str) -> Option<u16> {
    let mut fields = line.trim_end().split('|');
    let (_core, _proto, network, addr) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if network != "tcp" {
        return None;
    }
    addr.parse::<std::net::SocketAddr>().ok().map(|a| a.port())
}

#[cfg(unix)]
mod imp {
    use super::handshake_port;
    use std::fs::File;
    use std::io::{BufRead, BufReader, Write};
    use std::os::fd::FromRawFd;

    /// Route stdout through the handshake watcher. Call before anything is printed.
    pub fn intercept_stdout() {
        // SAFETY: plain descriptor calls on descriptors this function owns; on any failure the
        // original stdout is left in place.
        unsafe {
            let real = libc::dup(1);
            if real < 0 {
                return;
            }
            let mut fds = [0; 2];
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                libc::close(real);
                return;
            }
            if libc::dup2(fds[1], 1) < 0 {
                libc::close(real);
                libc::close(fds[0]);
                libc::close(fds[1]);
                return;
            }
            libc::close(fds[1]);
            let read = File::from_raw_fd(fds[0]);
            let out = File::from_raw_fd(real);
            if std::thread::Builder::new()
                .name("stdout".into())
                .spawn(move || forward(read, out))
                .is_err()
            {
                // No forwarder: put the real stdout back.
                libc::dup2(real, 1);
            }
        }
    }

    fn forward(read: File, mut out: File) {
        let mut reader = BufReader::new(read);
        let mut first = Vec::new();
        if reader.read_until(b'\n', &mut first).is_err() {
            return;
        }
        if let Some(port) = handshake_port(&String::from_utf8_lossy(&first)) {
            let done = set_nodelay_on_listener(port);
            crate::log::debug(
                "TCP_NODELAY on the plugin listener",
                &[
                    ("port", serde_json::json!(port)),
                    ("set", serde_json::json!(done)),
                ],
            );
        }
        let _ = out.write_all(&first);
        let _ = out.flush();
        let _ = std::io::copy(&mut reader, &mut out);
    }

    /// Set TCP_NODELAY on the listening TCP socket bound to `port`. True when one was found.
    fn set_nodelay_on_listener(port: u16) -> bool {
        let mut found = false;
        for fd in open_fds() {
            if listening_port(fd) == Some(port) {
                let one: libc::c_int = 1;
                // SAFETY: `fd` is an open socket of this process; the option is an int.
                let rc = unsafe {
                    libc::setsockopt(
                        fd,
                        libc::IPPROTO_TCP,
                        libc::TCP_NODELAY,
                        &one as *const libc::c_int as *const libc::c_void,
                        std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                    )
                };
                found |= rc == 0;
            }
        }
        found
    }

    /// This process's open descriptors: listed by /proc where there is one (a handful, so the
    /// handshake is not delayed), else the first 1024 numbers.
    fn open_fds() -> Vec<libc::c_int> {
        match std::fs::read_dir("/proc/self/fd") {
            Ok(dir) => dir
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect(),
            Err(_) => (0..1024).collect(),
        }
    }

    /// The local port of `fd` if it is a listening IPv4/IPv6 socket.
    fn listening_port(fd: libc::c_int) -> Option<u16> {
        // SAFETY: getsockopt/getsockname only write into the buffers given, with their sizes;
        // a descriptor that is not a socket just fails.
        unsafe {
            let mut accepting: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            if libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_ACCEPTCONN,
                &mut accepting as *mut libc::c_int as *mut libc::c_void,
                &mut len,
            ) != 0
                || accepting == 0
            {
                return None;
            }
            let mut addr: libc::sockaddr_storage = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            if libc::getsockname(
                fd,
                &mut addr as *mut libc::sockaddr_storage as *mut libc::sockaddr,
                &mut len,
            ) != 0
            {
                return None;
            }
            match addr.ss_family as libc::c_int {
                libc::AF_INET => {
                    let a = &*(&addr as *const libc::sockaddr_storage as *const libc::sockaddr_in);
                    Some(u16::from_be(a.sin_port))
                }
                libc::AF_INET6 => {
                    let a = &*(&addr as *const libc::sockaddr_storage as *const libc::sockaddr_in6);
                    Some(u16::from_be(a.sin6_port))
                }
                _ => None,
            }
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn finds_and_sets_the_listener() {
            use std::os::fd::AsRawFd;
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = l.local_addr().unwrap().port();
            assert_eq!(super::listening_port(l.as_raw_fd()), Some(port));
            assert!(super::set_nodelay_on_listener(port));
            let _c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            let (accepted, _) = l.accept().unwrap();
            assert!(
                accepted.nodelay().unwrap(),
                "accepted sockets inherit TCP_NODELAY"
            );
        }
    }
}

#[cfg(unix)]
pub use imp::intercept_stdout;

/// Elsewhere stdout is left alone.
#[cfg(not(unix))]
pub fn intercept_stdout() {}

#[cfg(test)]
mod tests {
    use super::handshake_port;

    #[test]
    fn parses_handshake_lines() {
        assert_eq!(
            handshake_port("1|6|tcp|127.0.0.1:1234|grpc|MIIB\n"),
            Some(1234)
        );
        assert_eq!(handshake_port("1|6|tcp|[::1]:99|grpc|"), Some(99));
        assert_eq!(handshake_port("1|6|unix|/tmp/sock|grpc|"), None);
        assert_eq!(handshake_port("hello"), None);
        assert_eq!(handshake_port(""), None);
    }
}
