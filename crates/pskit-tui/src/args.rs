//! Command-line arguments shared by every view, and how they choose the output mode.

use std::time::Duration;

use crate::{Error, Result};

/// How and how often a view samples: the arguments every live view takes.
///
/// Without `--once`, `-n` or `--json` the view is full-screen and interactive.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     sampling: pskit_tui::SampleArgs,
/// }
/// let cli = Cli::parse_from(["x", "-n", "3", "-i", "0.5"]);
/// assert_eq!(cli.sampling.count, Some(3));
/// assert_eq!(cli.sampling.interval, 0.5);
/// ```
#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct SampleArgs {
    /// Print one sample as plain text and exit (no full-screen view).
    #[arg(long, conflicts_with = "count")]
    pub once: bool,
    /// Print COUNT samples as plain text, one per interval, and exit.
    #[arg(short = 'n', long = "count", value_name = "COUNT")]
    pub count: Option<u64>,
    /// Seconds between samples; each sample measures rates over this interval.
    #[arg(
        short,
        long,
        default_value_t = 1.0,
        value_name = "SECONDS",
        allow_negative_numbers = true
    )]
    pub interval: f64,
    /// Print one JSON document per sample (JSON lines) with psutil's field names;
    /// runs until interrupted unless `--once` or `-n` is given.
    #[arg(long)]
    pub json: bool,
}

/// What a run produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    /// The full-screen view.
    Interactive,
    /// Plain-text samples (`None`: until interrupted).
    Plain(Option<u64>),
    /// JSON lines (`None`: until interrupted).
    Json(Option<u64>),
}

/// The validated sampling plan of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plan {
    pub(crate) interval: Duration,
    pub(crate) output: Output,
}

impl SampleArgs {
    /// Checks the arguments: the interval must be a finite number of seconds above 0
    /// and the count at least 1.
    pub(crate) fn plan(&self) -> Result<Plan> {
        let interval = interval_duration(self.interval)?;
        let count = match (self.once, self.count) {
            (_, Some(0)) => return Err(Error::Usage("count must be at least 1".into())),
            (true, _) => Some(1),
            (false, n) => n,
        };
        let output = match (self.json, count) {
            (true, n) => Output::Json(n),
            (false, Some(n)) => Output::Plain(Some(n)),
            (false, None) => Output::Interactive,
        };
        Ok(Plan { interval, output })
    }
}

/// Seconds as a `Duration`, refusing 0, negative, NaN, infinite and absurdly large
/// values (more than a day) as usage errors.
pub(crate) fn interval_duration(seconds: f64) -> Result<Duration> {
    const MAX_SECONDS: f64 = 86_400.0;
    if seconds.is_nan() || seconds <= 0.0 || seconds.is_infinite() {
        return Err(Error::Usage(format!(
            "interval must be more than 0 seconds (got {seconds})"
        )));
    }
    if seconds > MAX_SECONDS {
        return Err(Error::Usage(format!(
            "interval must be at most {MAX_SECONDS} seconds (got {seconds})"
        )));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(once: bool, count: Option<u64>, interval: f64, json: bool) -> SampleArgs {
        SampleArgs {
            once,
            count,
            interval,
            json,
        }
    }

    #[test]
    fn interval_must_be_positive_and_finite() {
        for bad in [0.0, -1.0, -0.0, f64::NAN, f64::INFINITY, 1e20] {
            let e = args(true, None, bad, false).plan().unwrap_err();
            assert!(e.is_usage(), "{bad}: {e}");
        }
        let p = args(true, None, 0.25, false).plan().unwrap();
        assert_eq!(p.interval, Duration::from_millis(250));
    }

    #[test]
    fn output_mode_follows_flags() {
        let mode = |once, count, json| args(once, count, 1.0, json).plan().unwrap().output;
        assert_eq!(mode(false, None, false), Output::Interactive);
        assert_eq!(mode(true, None, false), Output::Plain(Some(1)));
        assert_eq!(mode(false, Some(3), false), Output::Plain(Some(3)));
        assert_eq!(mode(false, Some(2), true), Output::Json(Some(2)));
        assert_eq!(mode(true, None, true), Output::Json(Some(1)));
        assert_eq!(mode(false, None, true), Output::Json(None));
        assert!(args(false, Some(0), 1.0, false)
            .plan()
            .unwrap_err()
            .is_usage());
    }
}
