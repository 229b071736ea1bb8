//! node_exporter's web-config keys over real HTTPS connections: protocol version
//! bounds, cipher suites, client certificates and extra response headers.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{get, parse_reply, Reply, Running};
use pskit_exporter::{Error, Server};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::crypto::ring::cipher_suite as cs;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, SupportedCipherSuite, SupportedProtocolVersion};

/// A certificate authority and a server certificate for `localhost` it signed.
struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
    server_cert: String,
    server_key: String,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    Pki {
        ca,
        server_cert: cert.pem(),
        server_key: key.serialize_pem(),
    }
}

/// A client certificate signed by `ca`: (certificate PEM, key PEM).
fn client_cert(ca: &CertifiedIssuer<'static, KeyPair>) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["scraper".to_owned()]).unwrap();
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&key, ca).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// Writes the server's files and a web config with `tls_extra` appended to its
/// `tls_server_config` and `rest` after it.
fn web_config(dir: &Path, pki: &Pki, tls_extra: &str, rest: &str) -> PathBuf {
    std::fs::write(dir.join("tls.crt"), &pki.server_cert).unwrap();
    std::fs::write(dir.join("tls.key"), &pki.server_key).unwrap();
    std::fs::write(dir.join("ca.crt"), pki.ca.pem()).unwrap();
    let path = dir.join("web.yml");
    let yaml =
        format!("tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n{tls_extra}{rest}");
    std::fs::write(&path, yaml).unwrap();
    path
}

fn serve(web: &Path) -> Running {
    Running::with_flags(&[
        "--web.config.file",
        web.to_str().unwrap(),
        "--collector.disable-defaults",
        "--collector",
        "loadavg",
    ])
}

/// A client trusting `pki`'s CA, limited to `versions` and (when given) `suites`,
/// presenting `cert` when given.
fn client(
    pki: &Pki,
    versions: &[&'static SupportedProtocolVersion],
    suites: Option<Vec<SupportedCipherSuite>>,
    cert: Option<(String, String)>,
) -> ClientConfig {
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(s) = suites {
        provider.cipher_suites = s;
    }
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca.der().clone()).unwrap();
    let builder = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots);
    match cert {
        Some((c, k)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_slice(c.as_bytes()).unwrap()],
                PrivateKeyDer::from_pem_slice(k.as_bytes()).unwrap(),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    }
}

/// GET /metrics over TLS; an error when the handshake or the exchange fails.
fn https_get(addr: SocketAddr, client: ClientConfig) -> std::io::Result<Reply> {
    let conn =
        rustls::ClientConnection::new(Arc::new(client), "localhost".try_into().unwrap()).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, TcpStream::connect(addr)?);
    tls.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut raw = Vec::new();
    tls.read_to_end(&mut raw)?;
    if raw.is_empty() {
        return Err(std::io::Error::other("no reply"));
    }
    Ok(parse_reply(&raw))
}

fn served(r: std::io::Result<Reply>) -> bool {
    r.is_ok_and(|r| r.status == 200 && r.body.contains("node_load1"))
}

const BOTH: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12, &rustls::version::TLS13];

#[test]
fn min_and_max_version_bound_the_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki();
    let web = web_config(dir.path(), &pki, "  min_version: TLS13\n", "");
    let s = serve(&web);
    let tls12 = client(&pki, &[&rustls::version::TLS12], None, None);
    assert!(!served(https_get(s.addr, tls12)), "TLS 1.2 under min TLS13");
    let tls13 = client(&pki, &[&rustls::version::TLS13], None, None);
    assert!(served(https_get(s.addr, tls13)));
    drop(s);

    let web = web_config(
        dir.path(),
        &pki,
        "  min_version: TLS10\n  max_version: TLS12\n",
        "",
    );
    let s = serve(&web);
    let tls13 = client(&pki, &[&rustls::version::TLS13], None, None);
    assert!(!served(https_get(s.addr, tls13)), "TLS 1.3 over max TLS12");
    assert!(served(https_get(s.addr, client(&pki, BOTH, None, None))));
}

#[test]
fn cipher_suites_restrict_tls12() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki();
    let web = web_config(
        dir.path(),
        &pki,
        "  max_version: TLS12\n  cipher_suites:\n    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\n    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n  curve_preferences: [CurveP256, X25519]\n  prefer_server_cipher_suites: true\n",
        "",
    );
    let s = serve(&web);
    let other = client(
        &pki,
        BOTH,
        Some(vec![cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]),
        None,
    );
    assert!(!served(https_get(s.addr, other)), "a suite not listed");
    let listed = client(
        &pki,
        BOTH,
        Some(vec![cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]),
        None,
    );
    assert!(served(https_get(s.addr, listed)));
}

#[test]
fn client_certificates_are_required_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki();
    let web = web_config(
        dir.path(),
        &pki,
        "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n",
        "",
    );
    let s = serve(&web);
    assert!(!served(https_get(s.addr, client(&pki, BOTH, None, None))));
    let stranger = pki_stranger_cert();
    let wrong = client(&pki, BOTH, None, Some(stranger));
    assert!(
        !served(https_get(s.addr, wrong)),
        "a certificate of another CA"
    );
    let good = client(&pki, BOTH, None, Some(client_cert(&pki.ca)));
    assert!(served(https_get(s.addr, good)));
    drop(s);

    let web = web_config(
        dir.path(),
        &pki,
        "  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n",
        "",
    );
    let s = serve(&web);
    assert!(served(https_get(s.addr, client(&pki, BOTH, None, None))));
    let wrong = client(&pki, BOTH, None, Some(pki_stranger_cert()));
    assert!(!served(https_get(s.addr, wrong)));
}

/// A client certificate from a CA the server does not trust.
fn pki_stranger_cert() -> (String, String) {
    client_cert(&pki().ca)
}

#[test]
fn configured_headers_are_added_to_every_response() {
    let dir = tempfile::tempdir().unwrap();
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let web = dir.path().join("web.yml");
    std::fs::write(
        &web,
        format!(
            "http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=31536000\nbasic_auth_users:\n  alice: {hash}\n"
        ),
    )
    .unwrap();
    let s = serve(&web);
    let denied = get(s.addr, "/metrics", &[]);
    assert_eq!(denied.status, 401);
    assert_eq!(denied.header("x-frame-options"), Some("deny"));
    let enc = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode("alice:s3cret")
    };
    let ok = get(
        s.addr,
        "/metrics",
        &[&format!("Authorization: Basic {enc}")],
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("x-frame-options"), Some("deny"));
    assert_eq!(
        ok.header("strict-transport-security"),
        Some("max-age=31536000")
    );
}

#[test]
fn unsupported_settings_are_one_line_errors_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki();
    let cases = [
        (
            "  cipher_suites: [TLS_RSA_WITH_AES_128_CBC_SHA]\n",
            "",
            "is not supported",
        ),
        ("  cipher_suites: [TLS_FANCY]\n", "", "unknown cipher suite"),
        (
            "  curve_preferences: [CurveP521]\n",
            "",
            "CurveP521 is not supported",
        ),
        ("  max_version: TLS11\n", "", "TLS 1.0 and 1.1"),
        ("  min_version: TLS14\n", "", "TLS14"),
        (
            "  client_auth_type: RequireAnyClientCert\n  client_ca_file: ca.crt\n",
            "",
            "not supported",
        ),
        (
            "  client_auth_type: RequireAndVerifyClientCert\n",
            "",
            "needs client_ca_file",
        ),
        (
            "  client_ca_file: ca.crt\n",
            "",
            "client_auth_type is NoClientCert",
        ),
        ("  colour: blue\n", "", "unknown field `colour`"),
        (
            "",
            "http_server_config:\n  headers:\n    Server: pskit\n",
            "can not be configured",
        ),
        (
            "",
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
            "expected one of",
        ),
        (
            // exporter-toolkit's names are exact: a second spelling is not the header.
            "",
            "http_server_config:\n  headers:\n    x-frame-options: deny\n",
            "can not be configured",
        ),
        (
            "",
            "unknown_section: 1\n",
            "unknown field `unknown_section`",
        ),
    ];
    for (tls_extra, rest, expected) in cases {
        let web = web_config(dir.path(), &pki, tls_extra, rest);
        let flags = ["--web.config.file", web.to_str().unwrap()];
        let args = common::try_config(&flags);
        let err = args
            .err()
            .unwrap_or_else(|| panic!("{tls_extra}{rest} accepted"));
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(expected), "{tls_extra}{rest}: {msg}");
        assert!(!msg.trim_end().contains('\n'), "one line: {msg}");
    }
}

#[test]
fn tls_section_without_files_serves_plain_http_as_exporter_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web.yml");
    std::fs::write(&web, "tls_server_config: {}\n").unwrap();
    let s = serve(&web);
    assert_eq!(get(s.addr, "/metrics", &[]).status, 200);
    drop(s);
    // TLS options without a certificate: TLS was wanted, and would be off. Refused,
    // where exporter-toolkit serves plain HTTP and logs it.
    for options in ["  min_version: TLS12\n", "  cipher_suites: [TLS_FANCY]\n"] {
        std::fs::write(&web, format!("tls_server_config:\n{options}")).unwrap();
        let err = common::try_config(&["--web.config.file", web.to_str().unwrap()])
            .err()
            .unwrap_or_else(|| panic!("{options} accepted"));
        assert!(err.to_string().contains("TLS would be off"), "{err}");
    }
    // An empty file name (a template's unset value) says so.
    std::fs::write(
        &web,
        "tls_server_config:\n  cert_file: \"\"\n  key_file: tls.key\n",
    )
    .unwrap();
    let err = common::try_config(&["--web.config.file", web.to_str().unwrap()])
        .err()
        .unwrap();
    assert!(err.to_string().contains("cert_file is empty"), "{err}");
    // Only one of the two files is an error.
    std::fs::write(&web, "tls_server_config:\n  cert_file: tls.crt\n").unwrap();
    let err = common::try_config(&["--web.config.file", web.to_str().unwrap()])
        .err()
        .unwrap();
    assert!(err.to_string().contains("missing key_file"), "{err}");
    // A missing client CA file is a clear error when binding.
    let pki = pki();
    let web = web_config(
        dir.path(),
        &pki,
        "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: nope.crt\n",
        "",
    );
    let err = Server::bind(common::config(&[
        "--web.config.file",
        web.to_str().unwrap(),
    ]))
    .err()
    .expect("bind must fail");
    assert!(err.to_string().contains("nope.crt"), "{err}");
}
