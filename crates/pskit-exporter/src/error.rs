//! The exporter's error type: everything that can stop `pskit serve` from starting.

use std::path::PathBuf;

/// Why the exporter could not start (or stopped). Each variant names the file, flag or
/// address at fault, so the CLI can print it and exit with status 1.
///
/// ```
/// let e = pskit_exporter::Error::InvalidArgument { flag: "--max-groups", message: "must be at least 1".into() };
/// assert_eq!(e.to_string(), "invalid --max-groups: must be at least 1");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listen address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A flag or config-file value is out of range or malformed.
    #[error("invalid {flag}: {message}")]
    InvalidArgument {
        /// The flag (or config-file key) at fault.
        flag: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A configuration file (`--config.file` or `--web.config.file`) cannot be read or
    /// is not valid.
    #[error("config file {}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A TLS certificate or key file is missing, unreadable or malformed.
    #[error("TLS file {}: {message}", path.display())]
    Tls {
        /// The certificate or key file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The TLS certificate is outside its validity period.
    #[error("TLS certificate {} is not valid now: valid from {not_before} to {not_after} (UTC)", path.display())]
    CertificateNotValidNow {
        /// The certificate file.
        path: PathBuf,
        /// Start of validity.
        not_before: String,
        /// End of validity.
        not_after: String,
    },
    /// The async runtime or a server thread could not be created.
    #[error("server runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Shorthand for `std::result::Result<T, pskit_exporter::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
