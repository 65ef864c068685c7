//! TCP_NODELAY on tf-provider's gRPC listener.
//!
//! tf-provider's gRPC server leaves Nagle's algorithm on. A reply written in several small TCP
//! writes then waits for the peer's delayed ACK (about 40 ms) before its last frame leaves, so
//! each call costs tens of milliseconds of idle time: a refresh-only plan of 1000 keys took 6 s
//! instead of 1.4 s. tf-provider gives no access to its socket, but Linux and the BSDs copy
//! TCP_NODELAY from a listening socket to the connections it accepts, and the first connection
//! comes only after the handshake line (see [`super::handshake`]) has gone by. So when that line
//! goes by, the listening socket on its port gets TCP_NODELAY.
//!
//! Any failure leaves things as they were: at worst the provider is slower, never unreachable.

#[cfg(unix)]
mod imp {
    /// Set TCP_NODELAY on the listening TCP socket bound to `port`. True when one was found.
    pub fn set_nodelay_on_listener(port: u16) -> bool {
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
pub use imp::set_nodelay_on_listener;

/// Elsewhere the listener is left alone.
#[cfg(not(unix))]
pub fn set_nodelay_on_listener(_port: u16) -> bool {
    false
}
