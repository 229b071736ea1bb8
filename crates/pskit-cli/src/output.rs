//! Writing to stdout: broken pipes, JSON, colour and the terminal's width.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::failure::Failure;

/// Writes `text` to stdout and flushes it; a closed pipe becomes [`Failure::BrokenPipe`].
/// Control characters are neutralised first (see [`terminal_safe`]).
pub fn emit(text: &str) -> Result<(), Failure> {
    let text = terminal_safe(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// `text` safe for a terminal: names, paths and command lines come from other users'
/// processes, so a control character in them (an escape sequence that retitles or
/// clears the terminal, say) becomes `?`. The output's own line breaks and tabs and
/// pskit's own bold on/off sequences are kept; JSON never holds raw control characters.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    const OWN: [&str; 2] = [BOLD_ON, BOLD_OFF];
    let unsafe_at = |t: &str, i: usize, c: char| {
        c.is_control() && c != '\n' && c != '\t' && !OWN.iter().any(|o| t[i..].starts_with(o))
    };
    if !text.char_indices().any(|(i, c)| unsafe_at(text, i, c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        out.push(if unsafe_at(text, i, c) { '?' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

const BOLD_ON: &str = "\x1b[1m";
const BOLD_OFF: &str = "\x1b[0m";

/// Writes `text` and a newline.
pub fn emit_line(text: &str) -> Result<(), Failure> {
    emit(&format!("{text}\n"))
}

/// Prints `value` as one pretty JSON document.
pub fn emit_json<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(Failure::runtime)?;
    emit_line(&text)
}

/// Prints `value` as one compact JSON line (for arrays and samples of a stream).
pub fn emit_json_line<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string(value).map_err(Failure::runtime)?;
    emit_line(&text)
}

/// Whether output may be coloured: stdout is a terminal and `NO_COLOR` is unset
/// (or empty, as <https://no-color.org> says).
pub fn colour_enabled() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// `text` in bold when colour is enabled.
pub fn bold(text: &str, colour: bool) -> String {
    if colour {
        format!("{BOLD_ON}{text}{BOLD_OFF}")
    } else {
        text.to_string()
    }
}

/// The width to fit output into: `COLUMNS` when set (as ps does), else the terminal's
/// width, else none (output to a pipe or file is not cut).
pub fn terminal_width() -> Option<usize> {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return Some(cols);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// `text` cut to at most `width` terminal columns (a wide character counts as two), without
/// trailing spaces.
pub fn truncate(text: &str, width: usize) -> String {
    pskit_tui::format::truncate(text, width)
        .trim_end()
        .to_string()
}

/// `text` cut to the terminal width, when there is one.
pub fn fit(text: &str) -> String {
    match terminal_width() {
        Some(w) => truncate(text, w),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_from_the_system_are_neutralised() {
        let hostile = "name\x1b]0;pwned\x07\x1b[2J\r";
        assert_eq!(terminal_safe(hostile), "name?]0;pwned??[2J?");
        let own = format!("{}\nline\tcell\n", bold("HEADER", true));
        assert_eq!(terminal_safe(&own), own, "layout and pskit's bold are kept");
        assert!(matches!(
            terminal_safe("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
