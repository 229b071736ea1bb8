//! TLS set-up from `tls_server_config`: loads the PEM files at start-up and refuses a
//! certificate that is missing, malformed, expired or not yet valid.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::web::TlsServerConfig;
use crate::{Error, Result};

fn tls_error(path: &Path, message: impl ToString) -> Error {
    Error::Tls {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

/// Reads the certificate chain, checking that the leaf is valid now.
fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    // A missing file gives "No such file or directory" with the path, not a PEM error.
    std::fs::metadata(path).map_err(|e| tls_error(path, e))?;
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| tls_error(path, e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| tls_error(path, e))?;
    let leaf = certs
        .first()
        .ok_or_else(|| tls_error(path, "no certificate in the file"))?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf)
        .map_err(|e| tls_error(path, format!("not an X.509 certificate: {e}")))?;
    let validity = cert.validity();
    if !validity.is_valid() {
        return Err(Error::CertificateNotValidNow {
            path: path.to_owned(),
            not_before: validity.not_before.to_string(),
            not_after: validity.not_after.to_string(),
        });
    }
    Ok(certs)
}

/// Builds the TLS acceptor (TLS 1.2 and 1.3, HTTP/1.1 by ALPN, no client certificates).
pub(crate) fn acceptor(cfg: &TlsServerConfig) -> Result<TlsAcceptor> {
    let certs = load_certs(&cfg.cert_file)?;
    std::fs::metadata(&cfg.key_file).map_err(|e| tls_error(&cfg.key_file, e))?;
    let key =
        PrivateKeyDer::from_pem_file(&cfg.key_file).map_err(|e| tls_error(&cfg.key_file, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(&cfg.cert_file, e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| tls_error(&cfg.key_file, e))?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(server)))
}
