//! The one error type of the live views.

use std::io;

/// Why a live view stopped with a failure.
///
/// [`Error::Usage`] is a bad argument (the command line's exit status 2); every other
/// variant is a runtime failure (exit status 1). [`Error::exit_code`] says which.
///
/// ```
/// let e = pskit_tui::Error::Usage("interval must be more than 0 seconds".into());
/// assert_eq!(e.exit_code(), 2);
/// assert_eq!(e.to_string(), "interval must be more than 0 seconds");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bad argument or a combination that cannot work (such as a full-screen view
    /// with standard output not on a terminal).
    #[error("{0}")]
    Usage(String),
    /// The library failed to read the system.
    #[error(transparent)]
    Pskit(#[from] pskit::Error),
    /// The terminal could not be set up, read or drawn on.
    #[error("terminal: {0}")]
    Terminal(#[source] io::Error),
    /// Writing the plain-text or JSON output failed (other than a closed pipe, which
    /// ends the output quietly).
    #[error("writing output: {0}")]
    Output(#[source] io::Error),
    /// A sample could not be written as JSON.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// The command-line exit status for this error: 2 for [`Error::Usage`], 1 otherwise.
    ///
    /// ```
    /// let e = pskit_tui::Error::Pskit(pskit::Error::InvalidArgument("x".into()));
    /// assert_eq!(e.exit_code(), 1);
    /// ```
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    /// Whether this is a usage error (bad arguments).
    ///
    /// ```
    /// assert!(pskit_tui::Error::Usage("bad".into()).is_usage());
    /// ```
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_))
    }
}

/// Shorthand for `std::result::Result<T, pskit_tui::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
