//! Tables whose columns fit the terminal: a last, left-aligned column is free text (a
//! command line, a path) that takes whatever width is left and is cut at the edge;
//! optional columns are dropped only when the others and [`FREE_TEXT_MIN`] characters
//! of that free text do not fit.

use crate::output::{bold, truncate};
use pskit_tui::format::{self, Align};

/// The characters a last, free-text column keeps (when its text is that long) before
/// optional columns are dropped to make room for it.
pub const FREE_TEXT_MIN: usize = 20;

/// One column of a [`Table`].
#[derive(Clone, Copy, Debug)]
pub struct Column {
    header: &'static str,
    right: bool,
    optional: bool,
}

impl Column {
    /// A left-aligned column.
    pub fn left(header: &'static str) -> Column {
        Column {
            header,
            right: false,
            optional: false,
        }
    }

    /// A right-aligned column (numbers).
    pub fn right(header: &'static str) -> Column {
        Column {
            header,
            right: true,
            optional: false,
        }
    }

    /// This column may be left out when the terminal is too narrow (the rightmost
    /// optional columns go first).
    pub fn optional(mut self) -> Column {
        self.optional = true;
        self
    }
}

/// Rows of text cells under a header.
///
/// ```text
/// let mut t = Table::new(vec![Column::right("PID"), Column::left("NAME")]);
/// t.push(vec!["1".into(), "systemd".into()]);
/// print!("{}", t.render(Some(80), false));
/// ```
#[derive(Debug)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row (one cell per column); control characters in a cell (a newline in a
    /// process name, say) become `?` so every row stays one line.
    pub fn push(&mut self, row: Vec<String>) {
        let row = row
            .into_iter()
            .map(|cell| {
                if cell.chars().any(char::is_control) {
                    pskit_tui::format::sanitize(&cell)
                } else {
                    cell
                }
            })
            .collect();
        self.rows.push(row);
    }

    /// The table as text, one line per row after the header, each line at most `width`
    /// characters when a width is given; the header is bold when `colour` is set.
    pub fn render(&self, width: Option<usize>, colour: bool) -> String {
        let n = self.columns.len();
        // Widths in terminal columns: a CJK character takes two, a combining one none.
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.header.len()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(format::width(cell));
            }
        }
        // A last, left-aligned column is free text: for fitting it counts only up to
        // FREE_TEXT_MIN characters (or its header), and the line cut below trims the rest.
        let mut fit_widths = widths.clone();
        if let Some(last) = self.columns.last().filter(|c| !c.right) {
            let floor = FREE_TEXT_MIN.max(last.header.len());
            fit_widths[n - 1] = widths[n - 1].min(floor);
        }
        let mut shown: Vec<bool> = vec![true; n];
        if let Some(limit) = width {
            let total = |shown: &[bool]| -> usize {
                let kept: Vec<usize> = (0..n).filter(|&i| shown[i]).collect();
                kept.iter().map(|&i| fit_widths[i]).sum::<usize>() + kept.len().saturating_sub(1)
            };
            for i in (0..n).rev() {
                if total(&shown) <= limit {
                    break;
                }
                if self.columns[i].optional {
                    shown[i] = false;
                }
            }
        }
        let header: Vec<String> = self.columns.iter().map(|c| c.header.to_string()).collect();
        let mut out = String::new();
        for (k, row) in std::iter::once(&header).chain(&self.rows).enumerate() {
            let line = self.line(row, &widths, &shown);
            let line = match width {
                Some(w) => truncate(&line, w),
                None => line,
            };
            if k == 0 {
                out.push_str(&bold(&line, colour));
            } else {
                out.push_str(&line);
            }
            out.push('\n');
        }
        out
    }

    fn line(&self, row: &[String], widths: &[usize], shown: &[bool]) -> String {
        let kept: Vec<usize> = (0..self.columns.len()).filter(|&i| shown[i]).collect();
        let mut cells = Vec::with_capacity(kept.len());
        for (pos, &i) in kept.iter().enumerate() {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            let last = pos + 1 == kept.len();
            cells.push(if self.columns[i].right {
                format::fit(cell, widths[i], Align::Right)
            } else if last {
                cell.to_string()
            } else {
                format::fit(cell, widths[i], Align::Left)
            });
        }
        cells.join(" ").trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(vec![
            Column::right("PID"),
            Column::left("USER").optional(),
            Column::left("COMMAND"),
        ]);
        t.push(vec!["1".into(), "root".into(), "/sbin/init splash".into()]);
        t.push(vec!["1234".into(), "alice".into(), "sleep 100".into()]);
        t
    }

    #[test]
    fn wide_characters_count_as_two_columns() {
        let mut t = Table::new(vec![Column::left("USER"), Column::left("COMMAND")]);
        t.push(vec!["漢字".into(), "漢字漢字漢字漢字漢字漢字".into()]);
        t.push(vec!["bob".into(), "e\u{301}cho".into()]);
        let text = t.render(Some(16), false);
        for line in text.lines() {
            assert!(format::width(line) <= 16, "{line:?}");
        }
        // The USER column is 4 columns wide for both rows: 漢字 and "bob ".
        // Cut at the edge: 5 + 5 × 2 = 15 columns, a sixth wide character would not fit.
        assert_eq!(text.lines().nth(1).unwrap(), "漢字 漢字漢字漢");
        assert_eq!(text.lines().nth(2).unwrap(), "bob  e\u{301}cho");
    }

    #[test]
    fn aligns_columns_and_keeps_everything_when_wide() {
        let text = sample().render(Some(80), false);
        assert_eq!(
            text,
            " PID USER  COMMAND\n   1 root  /sbin/init splash\n1234 alice sleep 100\n"
        );
    }

    #[test]
    fn narrow_width_drops_optional_columns_then_cuts_lines() {
        let text = sample().render(Some(12), false);
        for line in text.lines() {
            assert!(line.chars().count() <= 12, "{line:?}");
        }
        assert!(!text.contains("USER"));
        assert!(text.starts_with(" PID COMMAND\n"));
    }

    /// PID (4 wide) USER (5 wide, optional) and a command far longer than any screen.
    fn with_long_command() -> Table {
        let mut t = sample();
        t.push(vec!["7".into(), "bob".into(), "x".repeat(500)]);
        t
    }

    #[test]
    fn a_long_free_text_column_takes_the_rest_and_keeps_optional_columns() {
        let text = with_long_command().render(Some(40), false);
        assert!(text.starts_with(" PID USER  COMMAND\n"), "{text}");
        let long = text.lines().last().unwrap();
        assert_eq!(long, format!("   7 bob   {}", "x".repeat(29)));
        for line in text.lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
    }

    #[test]
    fn optional_columns_go_only_when_the_free_text_minimum_does_not_fit() {
        // PID + USER + FREE_TEXT_MIN of the command, with two separators.
        let needed = 4 + 1 + 5 + 1 + FREE_TEXT_MIN;
        let kept = with_long_command().render(Some(needed), false);
        assert!(kept.starts_with(" PID USER  COMMAND\n"), "{kept}");
        let dropped = with_long_command().render(Some(needed - 1), false);
        assert!(dropped.starts_with(" PID COMMAND\n"), "{dropped}");
        let row = dropped.lines().last().unwrap();
        assert_eq!(row.chars().count(), needed - 1);
    }

    #[test]
    fn a_short_free_text_column_counts_its_own_width() {
        // The longest command is 17 characters: the table needs exactly 28.
        assert!(sample().render(Some(28), false).contains("USER"));
        assert!(!sample().render(Some(27), false).contains("USER"));
    }

    #[test]
    fn a_right_aligned_last_column_is_never_cut_to_make_room() {
        let mut t = Table::new(vec![
            Column::left("NAME"),
            Column::right("EXTRA").optional(),
            Column::right("TOTAL"),
        ]);
        t.push(vec!["a".into(), "1".into(), "1".repeat(30)]);
        let text = t.render(Some(36), false);
        assert!(!text.contains("EXTRA"), "{text}");
        assert!(text.contains(&"1".repeat(30)), "{text}");
    }

    #[test]
    fn header_is_bold_only_with_colour() {
        assert!(sample().render(None, true).starts_with("\x1b[1m"));
        assert!(!sample().render(None, false).contains('\x1b'));
    }
}
