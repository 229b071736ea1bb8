//! `--web.config.file`: node_exporter's (exporter-toolkit's) web configuration.
//!
//! Every key exporter-toolkit documents for file-based TLS is accepted; what rustls
//! cannot do is refused with a one-line error at start-up, never silently ignored (a
//! forgotten `client_auth_type` would weaken security). Keys exporter-toolkit does
//! not know are rejected as unknown.
//!
//! ```yaml
//! tls_server_config:
//!   cert_file: /etc/pskit/tls.crt
//!   key_file: /etc/pskit/tls.key
//!   min_version: TLS12
//!   client_auth_type: RequireAndVerifyClientCert
//!   client_ca_file: /etc/pskit/clients-ca.crt
//! http_server_config:
//!   headers:
//!     X-Frame-Options: deny
//! basic_auth_users:
//!   prometheus: $2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Error, Result};

/// The web configuration: TLS, HTTP headers and basic auth. Empty (plain HTTP, no
/// auth) by default.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WebConfig {
    /// Serve HTTPS. `None` also when the section names no certificate, key or client
    /// authentication (exporter-toolkit serves plain HTTP then).
    #[serde(default)]
    pub tls_server_config: Option<TlsServerConfig>,
    /// Response headers and the HTTP/2 switch.
    #[serde(default)]
    pub http_server_config: HttpServerConfig,
    /// User name → bcrypt hash; when not empty every request needs basic auth.
    #[serde(default)]
    pub basic_auth_users: BTreeMap<String, String>,
}

/// `tls_server_config`. Relative paths are relative to the web config file, as in
/// exporter-toolkit.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TlsServerConfig {
    /// The certificate chain (PEM); required when TLS is on.
    pub cert_file: Option<PathBuf>,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1); required when TLS is on.
    pub key_file: Option<PathBuf>,
    /// Lowest protocol version (default TLS12). TLS10 and TLS11 are accepted but
    /// rustls never speaks them, so the effective minimum is TLS12.
    pub min_version: Option<TlsVersion>,
    /// Highest protocol version (default TLS13); must be TLS12 or TLS13.
    pub max_version: Option<TlsVersion>,
    /// TLS 1.2 cipher suites by their Go names; TLS 1.3 suites are always enabled (as
    /// in Go, where TLS 1.3 names are accepted and have no effect). Empty: all.
    #[serde(default)]
    pub cipher_suites: Vec<String>,
    /// Key exchange groups in order of preference (`X25519`, `CurveP256`,
    /// `CurveP384`). Empty: rustls' defaults.
    #[serde(default)]
    pub curve_preferences: Vec<String>,
    /// Choose the cipher suite by the server's order rather than the client's
    /// (default true, as exporter-toolkit).
    pub prefer_server_cipher_suites: Option<bool>,
    /// Client certificate policy, by Go's `tls.ClientAuthType` names.
    #[serde(default)]
    pub client_auth_type: Option<ClientAuthType>,
    /// CA certificates (PEM) that client certificates must chain to.
    pub client_ca_file: Option<PathBuf>,
}

/// A TLS protocol version as exporter-toolkit spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[non_exhaustive]
pub enum TlsVersion {
    /// TLS 1.0 (never negotiated by rustls).
    #[serde(rename = "TLS10")]
    Tls10,
    /// TLS 1.1 (never negotiated by rustls).
    #[serde(rename = "TLS11")]
    Tls11,
    /// TLS 1.2.
    #[serde(rename = "TLS12")]
    Tls12,
    /// TLS 1.3.
    #[serde(rename = "TLS13")]
    Tls13,
}

/// Go's `tls.ClientAuthType` names, as exporter-toolkit reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub enum ClientAuthType {
    /// No client certificate is asked for (the default).
    NoClientCert,
    /// Asked for, not required, not verified: refused (rustls verifies every
    /// certificate it accepts).
    RequestClientCert,
    /// Required but not verified: refused, as above.
    #[serde(alias = "RequireClientCert")]
    RequireAnyClientCert,
    /// Verified against `client_ca_file` when the client sends one.
    VerifyClientCertIfGiven,
    /// Required and verified against `client_ca_file`.
    RequireAndVerifyClientCert,
}

/// `http_server_config`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HttpServerConfig {
    /// Accepted for compatibility and has no effect: pskit serves HTTP/1.1 only.
    #[serde(default = "yes")]
    pub http2: bool,
    /// Headers added to every response. As in exporter-toolkit only
    /// `Strict-Transport-Security`, `X-Content-Type-Options` (`nosniff`),
    /// `X-Frame-Options` (`deny`, `sameorigin`) and `X-XSS-Protection` may be set.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

impl Default for HttpServerConfig {
    fn default() -> Self {
        HttpServerConfig {
            http2: true,
            headers: BTreeMap::new(),
        }
    }
}

/// The headers `http_server_config.headers` may set, with their allowed values
/// (`None`: any value), as exporter-toolkit allows them.
const SETTABLE_HEADERS: [(&str, Option<&[&str]>); 4] = [
    ("Strict-Transport-Security", None),
    ("X-Content-Type-Options", Some(&["nosniff"])),
    ("X-Frame-Options", Some(&["deny", "sameorigin"])),
    ("X-XSS-Protection", None),
];

impl HttpServerConfig {
    /// Checks every header against exporter-toolkit's list and HTTP's syntax.
    fn validate(&self) -> std::result::Result<(), String> {
        for (name, value) in &self.headers {
            let Some((_, allowed)) = SETTABLE_HEADERS.iter().find(|(n, _)| n == name) else {
                return Err(format!("HTTP header {name:?} can not be configured"));
            };
            if let Some(allowed) = allowed {
                if !allowed.contains(&value.as_str()) {
                    return Err(format!(
                        "invalid value for {name}: expected one of {allowed:?}, got {value:?}"
                    ));
                }
            }
            if hyper::header::HeaderValue::from_str(value).is_err() {
                return Err(format!("invalid value for {name}: {value:?}"));
            }
        }
        Ok(())
    }
}

impl TlsServerConfig {
    /// Whether the section asks for nothing (exporter-toolkit then serves plain HTTP).
    fn is_empty(&self) -> bool {
        self.cert_file.is_none()
            && self.key_file.is_none()
            && self.client_ca_file.is_none()
            && self.client_auth_type.is_none()
    }

    /// Makes relative paths relative to `base`.
    fn rebase(&mut self, base: &Path) {
        for p in [
            &mut self.cert_file,
            &mut self.key_file,
            &mut self.client_ca_file,
        ]
        .into_iter()
        .flatten()
        {
            *p = base.join(&*p);
        }
    }
}

impl WebConfig {
    /// Reads and checks a web config file: unknown keys, versions, cipher suite and
    /// curve names, the client certificate policy and headers are checked here, the
    /// certificate files when the server binds.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("web.yml");
    /// std::fs::write(&path, "basic_auth_users:\n  alice: $2y$04$abc\n").unwrap();
    /// let web = pskit_exporter::WebConfig::load(&path).unwrap();
    /// assert!(web.basic_auth_users.contains_key("alice"));
    /// std::fs::write(&path, "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS13\n").unwrap();
    /// assert!(pskit_exporter::WebConfig::load(&path).is_ok());
    /// std::fs::write(&path, "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n").unwrap();
    /// assert!(pskit_exporter::WebConfig::load(&path).is_err());
    /// std::fs::write(&path, "tls_server_config:\n  colour: blue\n").unwrap();
    /// assert!(pskit_exporter::WebConfig::load(&path).is_err());
    /// ```
    pub fn load(path: &Path) -> Result<WebConfig> {
        let mut web: WebConfig = crate::args::read_yaml(path)?;
        let invalid = |message: String| Error::Config {
            path: path.to_owned(),
            message,
        };
        web.http_server_config.validate().map_err(invalid)?;
        if let Some(t) = web.tls_server_config.as_ref().filter(|t| t.is_empty()) {
            // No certificate: plain HTTP, as exporter-toolkit. TLS settings without one
            // mean TLS was wanted and would silently be off: refused instead.
            if t.min_version.is_some()
                || t.max_version.is_some()
                || !t.cipher_suites.is_empty()
                || !t.curve_preferences.is_empty()
                || t.prefer_server_cipher_suites.is_some()
            {
                return Err(invalid(
                    "tls_server_config sets TLS options but no cert_file and key_file: \
                     TLS would be off"
                        .into(),
                ));
            }
            web.tls_server_config = None;
        }
        if let Some(tls) = &mut web.tls_server_config {
            crate::tls::check(tls).map_err(invalid)?;
            tls.rebase(path.parent().unwrap_or(Path::new(".")));
        }
        Ok(web)
    }
}
