//! The full-screen output: raw mode and the alternate screen, restored on every way
//! out (quit keys, errors, SIGTERM/SIGHUP/SIGINT, and a panic via the hook that
//! ratatui installs), keys, scrolling and drawing.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line as TuiLine, Text};
use ratatui::widgets::Paragraph;
use ratatui::{DefaultTerminal, Frame};

use crate::runner::View;
use crate::screen::{Line, LineKind, Screen};
use crate::{Error, Result};

/// How long the first screen waits for its first sample at most (later samples come
/// every interval).
const FIRST_SAMPLE_DELAY: Duration = Duration::from_millis(500);
/// How often signals are checked while waiting for keys.
const POLL_SLICE: Duration = Duration::from_millis(100);

/// Puts the terminal back as it was when dropped, whatever the way out.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        // Nothing sensible is left to do if this fails; the shell's `reset` still can.
        let _ = ratatui::try_restore();
        let _ = ratatui::crossterm::execute!(io::stdout(), ratatui::crossterm::cursor::Show);
    }
}

/// Termination signals turned into a flag for as long as the view runs, so the
/// terminal is restored before the process ends.
struct SignalFlag {
    flag: Arc<AtomicBool>,
    ids: Vec<signal_hook::SigId>,
}

impl SignalFlag {
    fn register() -> Result<SignalFlag> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let flag = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            ids.push(signal_hook::flag::register(sig, flag.clone()).map_err(Error::Terminal)?);
        }
        Ok(SignalFlag { flag, ids })
    }

    fn raised(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

impl Drop for SignalFlag {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// What the interactive loop keeps between frames.
#[derive(Debug, Default)]
struct UiState {
    /// The first table row shown.
    scroll: usize,
    /// How many rows fit, from the last frame.
    page: usize,
}

/// Runs `view` full-screen until `q`, Esc, Ctrl-C or a termination signal.
pub(crate) fn run<V: View>(mut view: V, interval: Duration) -> Result<()> {
    if !io::stdout().is_terminal() {
        return Err(Error::Usage(
            "standard output is not a terminal: use --once, -n COUNT or --json".into(),
        ));
    }
    let signals = SignalFlag::register()?;
    let restore = Restore;
    let mut terminal = ratatui::try_init().map_err(Error::Terminal)?;
    let result = event_loop(&mut view, interval, &mut terminal, &signals);
    drop(terminal);
    drop(restore);
    result
}

fn event_loop<V: View>(
    view: &mut V,
    interval: Duration,
    terminal: &mut DefaultTerminal,
    signals: &SignalFlag,
) -> Result<()> {
    let mut ui = UiState::default();
    let mut sample: Option<V::Sample> = None;
    let mut next_sample = Instant::now() + interval.min(FIRST_SAMPLE_DELAY);
    let mut dirty = true;
    loop {
        if signals.raised() {
            return Ok(());
        }
        if Instant::now() >= next_sample {
            sample = Some(view.sample()?);
            next_sample = Instant::now() + interval;
            dirty = true;
        }
        if dirty {
            terminal
                .draw(|frame| draw(frame, view, sample.as_ref(), &mut ui))
                .map_err(Error::Terminal)?;
            dirty = false;
        }
        let wait = next_sample
            .saturating_duration_since(Instant::now())
            .min(POLL_SLICE);
        if !event::poll(wait).map_err(Error::Terminal)? {
            continue;
        }
        match event::read().map_err(Error::Terminal)? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                match handle_key(view, key, &mut ui) {
                    KeyOutcome::Quit => return Ok(()),
                    KeyOutcome::Redraw => dirty = true,
                    KeyOutcome::Ignored => {}
                }
            }
            Event::Resize(..) => dirty = true,
            _ => {}
        }
    }
}

enum KeyOutcome {
    Quit,
    Redraw,
    Ignored,
}

fn handle_key<V: View>(view: &mut V, key: KeyEvent, ui: &mut UiState) -> KeyOutcome {
    let page = ui.page.max(1);
    match key.code {
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => KeyOutcome::Quit,
        KeyCode::Char('q') | KeyCode::Char('Q') | KeyCode::Esc => KeyOutcome::Quit,
        KeyCode::Down | KeyCode::Char('j') => scroll(ui, |s| s.saturating_add(1)),
        KeyCode::Up | KeyCode::Char('k') => scroll(ui, |s| s.saturating_sub(1)),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll(ui, |s| s.saturating_add(page)),
        KeyCode::PageUp => scroll(ui, |s| s.saturating_sub(page)),
        KeyCode::Home | KeyCode::Char('g') => scroll(ui, |_| 0),
        KeyCode::Char(c) if view.on_key(c) => KeyOutcome::Redraw,
        _ => KeyOutcome::Ignored,
    }
}

fn scroll(ui: &mut UiState, f: impl FnOnce(usize) -> usize) -> KeyOutcome {
    ui.scroll = f(ui.scroll);
    KeyOutcome::Redraw
}

fn style_of(kind: LineKind) -> Style {
    match kind {
        LineKind::Text => Style::new(),
        LineKind::Title => Style::new().add_modifier(Modifier::BOLD),
        LineKind::TableHeader => Style::new().add_modifier(Modifier::REVERSED),
    }
}

fn tui_line(line: &Line) -> TuiLine<'_> {
    TuiLine::styled(line.text.as_str(), style_of(line.kind))
}

/// Draws the summary, the table header, the visible rows and a footer; each part
/// gets what height is left, so a tiny terminal shows less but never breaks.
fn draw<V: View>(frame: &mut Frame, view: &V, sample: Option<&V::Sample>, ui: &mut UiState) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let screen = match sample {
        Some(s) => view.screen(s, Some(width)),
        None => Screen {
            summary: vec![Line::text("sampling…")],
            ..Screen::default()
        },
    };
    let body_height = usize::from(area.height.saturating_sub(1));
    // On a short terminal the summary gives way so that half the height still shows
    // table rows.
    let header_height = usize::from(screen.header.is_some());
    let rows_wanted = screen.rows.len().min(body_height / 2);
    let summary_height = screen
        .summary
        .len()
        .min(body_height.saturating_sub(header_height + rows_wanted));
    let mut top: Vec<TuiLine> = screen.summary[..summary_height]
        .iter()
        .map(tui_line)
        .collect();
    top.extend(screen.header.as_ref().map(tui_line));
    ui.page = body_height.saturating_sub(top.len());
    ui.scroll = ui.scroll.min(screen.rows.len().saturating_sub(ui.page));
    top.extend(
        screen
            .rows
            .iter()
            .skip(ui.scroll)
            .take(ui.page)
            .map(tui_line),
    );
    let body = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(Paragraph::new(Text::from(top)), body);

    let help = format!(" q:quit j/k:scroll {} {}", view.key_help(), screen.status);
    let footer = Rect {
        y: area.y + body.height,
        height: 1,
        ..area
    };
    let footer_text = crate::screen::clip(format!("{help:<width$}"), Some(width));
    frame.render_widget(
        Paragraph::new(footer_text).style(style_of(LineKind::TableHeader)),
        footer,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::KeyEvent;
    use ratatui::Terminal;

    /// A view with a fixed screen: 6 summary lines, a header and 50 rows.
    struct Fixed;

    impl View for Fixed {
        type Sample = ();
        fn sample(&mut self) -> Result<()> {
            Ok(())
        }
        fn screen(&self, _: &(), width: Option<usize>) -> Screen {
            let clip = |s: String| crate::screen::clip(s, width);
            Screen {
                summary: (0..6)
                    .map(|i| Line::text(clip(format!("summary {i}"))))
                    .collect(),
                header: Some(Line::header(clip("PID NAME".into()))),
                rows: (0..50)
                    .map(|i| Line::text(clip(format!("row {i}"))))
                    .collect(),
                status: "sort: PID asc".into(),
            }
        }
    }

    fn render(width: u16, height: u16, ui: &mut UiState) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| draw(frame, &Fixed, Some(&()), ui))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn every_size_down_to_nothing_draws_without_panicking() {
        for width in 0..50 {
            for height in 0..16 {
                render(width, height, &mut UiState::default());
            }
        }
    }

    #[test]
    fn tall_terminal_shows_everything_in_order() {
        let lines = render(40, 20, &mut UiState::default());
        assert_eq!(lines[0], "summary 0");
        assert_eq!(lines[5], "summary 5");
        assert_eq!(lines[6], "PID NAME");
        assert_eq!(lines[7], "row 0");
        assert_eq!(lines[18], "row 11");
        assert!(lines[19].starts_with(" q:quit") && lines[19].ends_with("sort: PID asc"));
    }

    #[test]
    fn short_terminal_keeps_half_its_height_for_rows() {
        let lines = render(40, 7, &mut UiState::default());
        assert_eq!(
            lines[..6],
            [
                "summary 0",
                "summary 1",
                "PID NAME",
                "row 0",
                "row 1",
                "row 2"
            ]
        );
    }

    #[test]
    fn scrolling_moves_rows_and_stops_at_the_end() {
        let mut ui = UiState::default();
        render(40, 20, &mut ui);
        assert_eq!(ui.page, 12);
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        handle_key(&mut Fixed, key(KeyCode::Down), &mut ui);
        handle_key(&mut Fixed, key(KeyCode::PageDown), &mut ui);
        assert_eq!(render(40, 20, &mut ui)[7], "row 13");
        for _ in 0..20 {
            handle_key(&mut Fixed, key(KeyCode::PageDown), &mut ui);
        }
        let lines = render(40, 20, &mut ui);
        assert_eq!(lines[18], "row 49", "the last row stays at the bottom");
        handle_key(&mut Fixed, key(KeyCode::Home), &mut ui);
        assert_eq!(render(40, 20, &mut ui)[7], "row 0");
    }

    #[test]
    fn quit_keys() {
        let mut ui = UiState::default();
        for (code, mods) in [
            (KeyCode::Char('q'), KeyModifiers::NONE),
            (KeyCode::Esc, KeyModifiers::NONE),
            (KeyCode::Char('c'), KeyModifiers::CONTROL),
        ] {
            let outcome = handle_key(&mut Fixed, KeyEvent::new(code, mods), &mut ui);
            assert!(matches!(outcome, KeyOutcome::Quit));
        }
        let outcome = handle_key(
            &mut Fixed,
            KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
            &mut ui,
        );
        assert!(matches!(outcome, KeyOutcome::Ignored));
    }
}
