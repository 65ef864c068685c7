//! TLS mode: a CA of the mock's own, generated at start, and a server certificate ("leaf") signed
//! by it for `127.0.0.1` and `localhost` — or, to test a client's refusals, an expired leaf or a
//! leaf for another name. Served with tokio-rustls in front of the same axum router.

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// The name the [`Leaf::WrongName`] certificate is issued for.
pub const WRONG_NAME: &str = "wrong.example";

/// Which server certificate the TLS mode presents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Leaf {
    /// For 127.0.0.1 and localhost, valid from a day ago for a year.
    #[default]
    Valid,
    /// For 127.0.0.1 and localhost, but valid only in January 2020.
    Expired,
    /// Valid, but for [`WRONG_NAME`] only.
    WrongName,
}

impl FromStr for Leaf {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "valid" => Ok(Leaf::Valid),
            "expired" => Ok(Leaf::Expired),
            "wrong-name" => Ok(Leaf::WrongName),
            other => Err(format!(
                "`{other}` is not a leaf kind: valid, expired or wrong-name"
            )),
        }
    }
}

/// The generated CA (PEM, for clients to trust) and the acceptor presenting the leaf.
pub(crate) struct Identity {
    pub ca_pem: String,
    pub acceptor: TlsAcceptor,
}

pub(crate) fn generate(leaf: Leaf) -> Result<Identity, String> {
    let err = |e: rcgen::Error| format!("cannot generate the TLS certificates: {e}");
    let now = time::OffsetDateTime::now_utc();
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.distinguished_name
        .push(DnType::CommonName, "hostup-mock test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = rcgen::date_time_ymd(2019, 1, 1);
    ca.not_after = now + time::Duration::days(3650);
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;

    let names = match leaf {
        Leaf::WrongName => vec![WRONG_NAME.to_string()],
        Leaf::Valid | Leaf::Expired => vec!["127.0.0.1".to_string(), "localhost".to_string()],
    };
    let leaf_key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(names).map_err(err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "hostup-mock");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    (params.not_before, params.not_after) = match leaf {
        Leaf::Expired => (
            rcgen::date_time_ymd(2020, 1, 1),
            rcgen::date_time_ymd(2020, 2, 1),
        ),
        _ => (
            now - time::Duration::days(1),
            now + time::Duration::days(365),
        ),
    };
    let leaf_cert = params
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .map_err(err)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_no_client_auth()
                .with_single_cert(vec![leaf_cert.der().clone()], key)
        })
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Identity {
        ca_pem: ca_cert.pem(),
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}

/// Accept TLS connections on `listener` and serve `app` on each (HTTP/1.1 or HTTP/2), one task
/// per connection, until dropped. A handshake the client refuses ends only that connection.
pub(crate) async fn serve(listener: TcpListener, acceptor: TlsAcceptor, app: Router) {
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            // Out of file descriptors and the like: wait, do not spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(Ok(tls)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
            else {
                return;
            };
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                .await;
        });
    }
}
