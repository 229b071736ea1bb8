//! Drives a view: the sampling clock, and the plain-text and JSON-lines outputs.
//! The full-screen output is in [`crate::terminal`].

use std::io::{self, IsTerminal, Write};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::args::{Output, Plan};
use crate::screen::Screen;
use crate::{Error, Result};

/// A live view: takes samples and turns one into a [`Screen`] for a width.
pub(crate) trait View {
    /// One sample; its serde form is the view's JSON document.
    type Sample: Serialize;

    /// Takes a sample (rates are measured since the previous one, or since the view
    /// was made).
    fn sample(&mut self) -> Result<Self::Sample>;

    /// The sample as shown in `width` columns (`None`: unlimited).
    fn screen(&self, sample: &Self::Sample, width: Option<usize>) -> Screen;

    /// Handles a view-specific key; returns whether the screen changed.
    fn on_key(&mut self, _key: char) -> bool {
        false
    }

    /// The view-specific keys, for the footer.
    fn key_help(&self) -> &'static str {
        ""
    }
}

/// Runs `view` as `plan` says.
pub(crate) fn run<V: View>(view: V, plan: Plan) -> Result<()> {
    match plan.output {
        Output::Interactive => crate::terminal::run(view, plan.interval),
        Output::Plain(count) => stream(view, plan.interval, count, write_plain::<V>),
        Output::Json(count) => stream(view, plan.interval, count, write_json::<V>),
    }
}

/// Seconds since the Unix epoch, the `timestamp` of every JSON document.
pub(crate) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

type Writer<V> = fn(&V, &<V as View>::Sample, bool, &mut dyn Write) -> Result<()>;

/// Prints `count` samples (forever for `None`), one per `interval`, the first one an
/// interval after the start so that every rate covers a full interval. A closed
/// output (EPIPE) ends the run quietly.
fn stream<V: View>(
    mut view: V,
    interval: Duration,
    count: Option<u64>,
    write: Writer<V>,
) -> Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut deadline = Instant::now();
    let mut printed = 0u64;
    while count.map_or(true, |n| printed < n) {
        deadline += interval;
        thread::sleep(deadline.saturating_duration_since(Instant::now()));
        let sample = view.sample()?;
        let result = write(&view, &sample, printed > 0, &mut out);
        match result.and_then(|()| out.flush().map_err(Error::Output)) {
            Err(Error::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
        printed += 1;
    }
    Ok(())
}

/// The width plain text is fitted to: the terminal's when standard output is one,
/// otherwise unlimited (like `ps` writing to a pipe).
fn plain_width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    ratatui::crossterm::terminal::size()
        .ok()
        .map(|(cols, _)| usize::from(cols))
        .filter(|&c| c > 0)
}

fn write_plain<V: View>(
    view: &V,
    sample: &V::Sample,
    separate: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut text = String::new();
    if separate {
        text.push('\n');
    }
    for line in view.screen(sample, plain_width()).plain_lines() {
        text.push_str(&line);
        text.push('\n');
    }
    out.write_all(text.as_bytes()).map_err(Error::Output)
}

fn write_json<V: View>(
    _view: &V,
    sample: &V::Sample,
    _separate: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut line = serde_json::to_vec(sample)?;
    line.push(b'\n');
    out.write_all(&line).map_err(Error::Output)
}
