//! Formatting of numbers, durations, bars and text cells: the pure layer every view's
//! plain text and screen are built from.

use std::ffi::OsStr;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A byte count in psutil's `bytes2human` style: binary prefixes with one decimal
/// (`1.5K`, `3.2G`), and plain bytes below 1 KiB (`512B`; psutil writes `512.0B`).
///
/// ```
/// assert_eq!(pskit_tui::format::bytes2human(1536.0), "1.5K");
/// assert_eq!(pskit_tui::format::bytes2human(512.0), "512B");
/// ```
pub fn bytes2human(n: f64) -> String {
    const SYMBOLS: [&str; 8] = ["K", "M", "G", "T", "P", "E", "Z", "Y"];
    for (i, symbol) in SYMBOLS.iter().enumerate().rev() {
        let unit = 1024f64.powi(i as i32 + 1);
        if n.abs() >= unit {
            return format!("{:.1}{symbol}", n / unit);
        }
    }
    format!("{}B", n.round())
}

/// CPU time as `top`'s TIME+ column: minutes, seconds and hundredths (`12:05.31`).
///
/// ```
/// assert_eq!(pskit_tui::format::cpu_time_plus(725.314), "12:05.31");
/// ```
pub fn cpu_time_plus(seconds: f64) -> String {
    let hundredths = (seconds.max(0.0) * 100.0).round() as u64;
    let (minutes, rest) = (hundredths / 6000, hundredths % 6000);
    format!("{minutes}:{:02}.{:02}", rest / 100, rest % 100)
}

/// An uptime as `top.py` shows it (`3 days, 4:05:06`; `4:05:06` under a day).
///
/// ```
/// assert_eq!(pskit_tui::format::uptime(3.0 * 86400.0 + 14706.0), "3 days, 4:05:06");
/// assert_eq!(pskit_tui::format::uptime(59.9), "0:00:59");
/// ```
pub fn uptime(seconds: f64) -> String {
    let total = seconds.max(0.0) as u64;
    let (days, rest) = (total / 86_400, total % 86_400);
    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        d => format!("{d} days, {clock}"),
    }
}

/// A bar of `width` cells filled in proportion to `percent` (0 to 100) with `|`, as
/// psutil's `top.py` draws CPU and memory.
///
/// ```
/// assert_eq!(pskit_tui::format::bar(50.0, 10), "|||||     ");
/// assert_eq!(pskit_tui::format::bar(250.0, 4), "||||");
/// ```
pub fn bar(percent: f64, width: usize) -> String {
    let share = if percent.is_finite() {
        percent.clamp(0.0, 100.0) / 100.0
    } else {
        0.0
    };
    let filled = ((share * width as f64).round() as usize).min(width);
    format!("{}{}", "|".repeat(filled), " ".repeat(width - filled))
}

/// OS text made safe to show: lossy UTF-8 (display only: JSON keeps the bytes) with
/// control characters, which could move the cursor or change colours, shown as `?`.
///
/// ```
/// use std::ffi::OsStr;
/// assert_eq!(pskit_tui::format::display_os(OsStr::new("a\x1b[31mb")), "a?[31mb");
/// ```
pub fn display_os(s: &OsStr) -> String {
    sanitize(&s.to_string_lossy())
}

/// `s` with control characters replaced by `?`.
///
/// ```
/// assert_eq!(pskit_tui::format::sanitize("tab\there"), "tab?here");
/// ```
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `s` cut to at most `width` terminal columns (wide characters count as two).
///
/// ```
/// assert_eq!(pskit_tui::format::truncate("abcdef", 3), "abc");
/// assert_eq!(pskit_tui::format::truncate("日本語", 5), "日本");
/// ```
pub fn truncate(s: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        out.push(c);
        // A sequence can be wider than its characters (an emoji presentation
        // selector): the string's own width is what the terminal shows.
        if out.width() > width {
            out.pop();
            break;
        }
        used = out.width();
    }
    out
}

/// The number of terminal columns `s` takes (wide characters count as two, combining
/// and zero-width ones as none).
///
/// ```
/// assert_eq!(pskit_tui::format::width("日本"), 4);
/// assert_eq!(pskit_tui::format::width("e\u{301}"), 1);
/// ```
pub fn width(s: &str) -> usize {
    s.width()
}

/// Where a cell's text sits within its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text left, padding right.
    Left,
    /// Text right, padding left (numbers).
    Right,
}

/// `s` fitted to exactly `width` columns: truncated, then padded on the side that
/// `align` leaves free.
///
/// ```
/// use pskit_tui::format::{fit, Align};
/// assert_eq!(fit("42", 5, Align::Right), "   42");
/// assert_eq!(fit("sleeping", 5, Align::Left), "sleep");
/// ```
pub fn fit(s: &str, width: usize, align: Align) -> String {
    let cut = truncate(s, width);
    let pad = " ".repeat(width.saturating_sub(cut.width()));
    match align {
        Align::Left => cut + &pad,
        Align::Right => pad + &cut,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sequences_wider_than_their_characters_never_overflow() {
        use unicode_width::UnicodeWidthStr;
        let name = "\u{263A}\u{FE0F}".repeat(20);
        for width in 0..45 {
            let cut = super::truncate(&name, width);
            assert!(cut.width() <= width, "{width}: {}", cut.width());
            assert_eq!(super::fit(&name, width, super::Align::Left).width(), width);
        }
    }

    use super::*;

    #[test]
    fn bytes2human_matches_psutil_thresholds() {
        assert_eq!(bytes2human(0.0), "0B");
        assert_eq!(bytes2human(1023.0), "1023B");
        assert_eq!(bytes2human(1024.0), "1.0K");
        assert_eq!(bytes2human(10_000.0), "9.8K");
        assert_eq!(bytes2human(100_001_221.0), "95.4M");
        assert_eq!(bytes2human(3.0 * 1024f64.powi(4)), "3.0T");
    }

    #[test]
    fn cpu_time_plus_carries_minutes() {
        assert_eq!(cpu_time_plus(0.0), "0:00.00");
        assert_eq!(cpu_time_plus(59.999), "1:00.00");
        assert_eq!(cpu_time_plus(3600.5), "60:00.50");
        assert_eq!(cpu_time_plus(-1.0), "0:00.00");
    }

    #[test]
    fn uptime_singular_day() {
        assert_eq!(uptime(86_400.0), "1 day, 0:00:00");
    }

    #[test]
    fn bar_handles_odd_inputs() {
        assert_eq!(bar(f64::NAN, 3), "   ");
        assert_eq!(bar(-5.0, 3), "   ");
        assert_eq!(bar(100.0, 0), "");
    }

    #[test]
    fn fit_never_exceeds_width_with_wide_characters() {
        for w in 0..8 {
            let s = fit("日本語abc", w, Align::Left);
            assert_eq!(s.width(), w, "{s:?}");
        }
    }
}
