//! `--web.config.file`: the subset of node_exporter's (exporter-toolkit's) web
//! configuration that pskit supports. Keys it does not support are an error, never
//! silently ignored (a forgotten `client_auth_type` would weaken security).
//!
//! ```yaml
//! tls_server_config:
//!   cert_file: /etc/pskit/tls.crt
//!   key_file: /etc/pskit/tls.key
//! basic_auth_users:
//!   prometheus: $2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Result;

/// The web configuration: TLS and basic auth. Empty (plain HTTP, no auth) by default.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WebConfig {
    /// Serve HTTPS with this certificate and key.
    #[serde(default)]
    pub tls_server_config: Option<TlsServerConfig>,
    /// User name → bcrypt hash; when not empty every request needs basic auth.
    #[serde(default)]
    pub basic_auth_users: BTreeMap<String, String>,
}

/// `tls_server_config`: PEM certificate chain and private key files; relative paths are
/// relative to the web config file, as in exporter-toolkit.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TlsServerConfig {
    /// The certificate chain (PEM).
    pub cert_file: PathBuf,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

impl WebConfig {
    /// Reads a web config file.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("web.yml");
    /// std::fs::write(&path, "basic_auth_users:\n  alice: $2y$04$abc\n").unwrap();
    /// let web = pskit_exporter::WebConfig::load(&path).unwrap();
    /// assert!(web.basic_auth_users.contains_key("alice"));
    /// std::fs::write(&path, "tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n").unwrap();
    /// assert!(pskit_exporter::WebConfig::load(&path).is_err());
    /// ```
    pub fn load(path: &Path) -> Result<WebConfig> {
        let mut web: WebConfig = crate::args::read_yaml(path)?;
        if let Some(tls) = &mut web.tls_server_config {
            let base = path.parent().unwrap_or(Path::new("."));
            tls.cert_file = base.join(&tls.cert_file);
            tls.key_file = base.join(&tls.key_file);
        }
        Ok(web)
    }
}
