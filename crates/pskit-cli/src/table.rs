//! Tables whose columns fit the terminal: optional columns are dropped when the screen
//! is too narrow, and lines are cut at its edge.

use crate::output::{bold, truncate};

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
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.header.len()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut shown: Vec<bool> = vec![true; n];
        if let Some(limit) = width {
            let total = |shown: &[bool]| -> usize {
                let kept: Vec<usize> = (0..n).filter(|&i| shown[i]).collect();
                kept.iter().map(|&i| widths[i]).sum::<usize>() + kept.len().saturating_sub(1)
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
                format!("{cell:>w$}", w = widths[i])
            } else if last {
                cell.to_string()
            } else {
                format!("{cell:<w$}", w = widths[i])
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

    #[test]
    fn header_is_bold_only_with_colour() {
        assert!(sample().render(None, true).starts_with("\x1b[1m"));
        assert!(!sample().render(None, false).contains('\x1b'));
    }
}
