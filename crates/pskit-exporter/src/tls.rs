//! TLS set-up from `tls_server_config`: maps exporter-toolkit's names (Go's) to rustls,
//! loads the PEM files at start-up and refuses a certificate that is missing,
//! malformed, expired or not yet valid.

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::ring::{cipher_suite as cs, kx_group};
use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::version::{TLS12, TLS13};
use rustls::{RootCertStore, SupportedCipherSuite, SupportedProtocolVersion};
use tokio_rustls::TlsAcceptor;

use crate::web::{ClientAuthType, TlsServerConfig, TlsVersion};
use crate::{Error, Result};

/// Go's names of the TLS 1.2 suites rustls implements (Go's canonical name and, for
/// ChaCha20, its older alias without `_SHA256`).
const TLS12_SUITES: [(&str, SupportedCipherSuite); 8] = [
    (
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ),
    (
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
    (
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
    (
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ),
    (
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
    (
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
];

/// TLS 1.3 suites: always enabled; Go accepts their names in `cipher_suites` and
/// ignores them, and so does pskit.
const TLS13_SUITES: [(&str, SupportedCipherSuite); 3] = [
    ("TLS_AES_128_GCM_SHA256", cs::TLS13_AES_128_GCM_SHA256),
    ("TLS_AES_256_GCM_SHA384", cs::TLS13_AES_256_GCM_SHA384),
    (
        "TLS_CHACHA20_POLY1305_SHA256",
        cs::TLS13_CHACHA20_POLY1305_SHA256,
    ),
];

/// Suites Go knows that rustls does not implement (CBC, RC4, 3DES, RSA key exchange).
const GO_ONLY_SUITES: [&str; 16] = [
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
];

/// Go's curve names that rustls' ring provider implements.
const CURVES: [(&str, &dyn SupportedKxGroup); 3] = [
    ("X25519", kx_group::X25519),
    ("CurveP256", kx_group::SECP256R1),
    ("CurveP384", kx_group::SECP384R1),
];

fn names<T>(table: &[(&str, T)]) -> String {
    table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// The TLS 1.2 suites named by `cipher_suites` (all when empty).
fn tls12_suites(cfg: &TlsServerConfig) -> Result<Vec<SupportedCipherSuite>, String> {
    if cfg.cipher_suites.is_empty() {
        return Ok(TLS12_SUITES.iter().map(|(_, s)| *s).collect());
    }
    let mut out = Vec::new();
    for name in &cfg.cipher_suites {
        if let Some((_, s)) = TLS12_SUITES.iter().find(|(n, _)| n == name) {
            if !out.contains(s) {
                out.push(*s);
            }
        } else if TLS13_SUITES.iter().any(|(n, _)| n == name) {
            continue;
        } else if GO_ONLY_SUITES.contains(&name.as_str()) {
            return Err(format!(
                "cipher suite {name} is not supported (TLS 1.2 suites available: {})",
                names(&TLS12_SUITES)
            ));
        } else {
            return Err(format!("unknown cipher suite {name:?}"));
        }
    }
    Ok(out)
}

/// The key exchange groups of `curve_preferences`, in order (all when empty).
fn kx_groups(cfg: &TlsServerConfig) -> Result<Vec<&'static dyn SupportedKxGroup>, String> {
    if cfg.curve_preferences.is_empty() {
        return Ok(CURVES.iter().map(|(_, g)| *g).collect());
    }
    let mut out: Vec<&'static dyn SupportedKxGroup> = Vec::new();
    for name in &cfg.curve_preferences {
        match CURVES.iter().find(|(n, _)| n == name) {
            Some((_, g)) => {
                if !out.iter().any(|o| o.name() == g.name()) {
                    out.push(*g);
                }
            }
            None if name == "CurveP521" => {
                return Err(format!(
                    "curve CurveP521 is not supported (available: {})",
                    names(&CURVES)
                ))
            }
            None => return Err(format!("unknown curve {name:?}")),
        }
    }
    Ok(out)
}

/// The protocol versions between `min_version` and `max_version`.
fn versions(cfg: &TlsServerConfig) -> Result<Vec<&'static SupportedProtocolVersion>, String> {
    let min = cfg.min_version.unwrap_or(TlsVersion::Tls12);
    let max = cfg.max_version.unwrap_or(TlsVersion::Tls13);
    if max < TlsVersion::Tls12 {
        return Err(format!(
            "max_version {max:?} is not supported: TLS 1.0 and 1.1 are not implemented"
        ));
    }
    if min > max {
        return Err(format!("min_version {min:?} is above max_version {max:?}"));
    }
    let mut out = Vec::new();
    if min <= TlsVersion::Tls12 {
        out.push(&TLS12);
    }
    out.push(&TLS13);
    if max == TlsVersion::Tls12 {
        out.retain(|v| v.version != TLS13.version);
    }
    Ok(out)
}

/// The crypto provider with the configured suites and groups.
fn provider(cfg: &TlsServerConfig) -> Result<Arc<CryptoProvider>, String> {
    let mut cipher_suites: Vec<_> = TLS13_SUITES.iter().map(|(_, s)| *s).collect();
    cipher_suites.extend(tls12_suites(cfg)?);
    Ok(Arc::new(CryptoProvider {
        cipher_suites,
        kx_groups: kx_groups(cfg)?,
        ..rustls::crypto::ring::default_provider()
    }))
}

/// Whether client certificates are verified, and whether they are required.
fn client_auth(cfg: &TlsServerConfig) -> Result<Option<bool>, String> {
    let kind = cfg.client_auth_type.unwrap_or(ClientAuthType::NoClientCert);
    let required = match kind {
        ClientAuthType::NoClientCert if cfg.client_ca_file.is_some() => {
            return Err("client_ca_file is set but client_auth_type is NoClientCert".into())
        }
        ClientAuthType::NoClientCert => return Ok(None),
        ClientAuthType::VerifyClientCertIfGiven => false,
        ClientAuthType::RequireAndVerifyClientCert => true,
        other => {
            return Err(format!(
                "client_auth_type {other:?} is not supported (client certificates are always \
                 verified: use VerifyClientCertIfGiven or RequireAndVerifyClientCert)"
            ))
        }
    };
    if cfg.client_ca_file.is_none() {
        return Err(format!("client_auth_type {kind:?} needs client_ca_file"));
    }
    Ok(Some(required))
}

/// Checks everything that needs no file: both files named, versions, suites, curves
/// and the client certificate policy. The message is one line.
pub(crate) fn check(cfg: &TlsServerConfig) -> Result<(), String> {
    for (key, file) in [("cert_file", &cfg.cert_file), ("key_file", &cfg.key_file)] {
        match file {
            None => return Err(format!("tls_server_config: missing {key}")),
            Some(p) if p.as_os_str().is_empty() => {
                return Err(format!("tls_server_config: {key} is empty"))
            }
            Some(_) => {}
        }
    }
    client_auth(cfg)?;
    rustls::ServerConfig::builder_with_provider(provider(cfg)?)
        .with_protocol_versions(&versions(cfg)?)
        .map_err(|e| format!("tls_server_config: {e} (cipher_suites against min/max_version)"))?;
    Ok(())
}

fn tls_error(path: &Path, message: impl ToString) -> Error {
    Error::Tls {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

/// Reads every certificate of a PEM file; a missing file names the path.
fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    // A missing file gives "No such file or directory" with the path, not a PEM error.
    std::fs::metadata(path).map_err(|e| tls_error(path, e))?;
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| tls_error(path, e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| tls_error(path, e))?;
    if certs.is_empty() {
        return Err(tls_error(path, "no certificate in the file"));
    }
    Ok(certs)
}

/// Reads the certificate chain, checking that the leaf is valid now.
fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certs = read_certs(path)?;
    let (_, cert) = x509_parser::parse_x509_certificate(&certs[0])
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

/// Builds the TLS acceptor (HTTP/1.1 by ALPN) from a config [`check`] accepted.
pub(crate) fn acceptor(cfg: &TlsServerConfig) -> Result<TlsAcceptor> {
    let (Some(cert_file), Some(key_file)) = (&cfg.cert_file, &cfg.key_file) else {
        return Err(tls_error(Path::new(""), "missing cert_file or key_file"));
    };
    let invalid = |e: String| tls_error(cert_file, e);
    let certs = load_certs(cert_file)?;
    std::fs::metadata(key_file).map_err(|e| tls_error(key_file, e))?;
    let key = PrivateKeyDer::from_pem_file(key_file).map_err(|e| tls_error(key_file, e))?;
    let provider = provider(cfg).map_err(invalid)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions(cfg).map_err(invalid)?)
        .map_err(|e| invalid(e.to_string()))?;
    let builder = match (client_auth(cfg).map_err(invalid)?, &cfg.client_ca_file) {
        (Some(required), Some(ca_file)) => {
            let mut roots = RootCertStore::empty();
            for ca in read_certs(ca_file)? {
                roots.add(ca).map_err(|e| tls_error(ca_file, e))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = if required {
                verifier
            } else {
                verifier.allow_unauthenticated()
            };
            builder.with_client_cert_verifier(verifier.build().map_err(|e| tls_error(ca_file, e))?)
        }
        _ => builder.with_no_client_auth(),
    };
    let mut server = builder
        .with_single_cert(certs, key)
        .map_err(|e| tls_error(key_file, e))?;
    server.ignore_client_order = cfg.prefer_server_cipher_suites.unwrap_or(true);
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(server)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(yaml: &str) -> TlsServerConfig {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    #[test]
    fn version_bounds_map_to_rustls_versions() {
        let got = |yaml: &str| -> Result<Vec<u16>, String> {
            Ok(versions(&with(yaml))?
                .iter()
                .map(|v| u16::from(v.version))
                .collect())
        };
        let (v12, v13) = (u16::from(TLS12.version), u16::from(TLS13.version));
        assert_eq!(got("{}"), Ok(vec![v12, v13]));
        assert_eq!(got("min_version: TLS10"), Ok(vec![v12, v13]));
        assert_eq!(got("min_version: TLS13"), Ok(vec![v13]));
        assert_eq!(got("max_version: TLS12"), Ok(vec![v12]));
        assert!(got("min_version: TLS13\nmax_version: TLS12").is_err());
        assert!(got("max_version: TLS11").is_err());
    }

    #[test]
    fn go_names_map_to_rustls_suites_and_groups() {
        let cfg = with(
            "cipher_suites: [TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]\ncurve_preferences: [CurveP384, X25519]",
        );
        assert_eq!(
            tls12_suites(&cfg).unwrap(),
            vec![cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]
        );
        let groups: Vec<_> = kx_groups(&cfg).unwrap().iter().map(|g| g.name()).collect();
        assert_eq!(
            groups,
            vec![kx_group::SECP384R1.name(), kx_group::X25519.name()]
        );
        // Only TLS 1.3 names with max TLS12 leaves nothing to negotiate.
        let none = with("cert_file: a\nkey_file: b\nmax_version: TLS12\ncipher_suites: [TLS_AES_128_GCM_SHA256]");
        assert!(check(&none)
            .unwrap_err()
            .contains("no usable cipher suites"));
    }
}
