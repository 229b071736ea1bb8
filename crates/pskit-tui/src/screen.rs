//! What a view shows for one sample, independent of where it is shown: lines with a
//! role (so the terminal can style them) and a column layout that fits a width.

use unicode_width::UnicodeWidthStr;

use crate::format::{fit, truncate, Align};

/// The role of a line, which decides its style on the terminal (never in plain text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Ordinary text.
    Text,
    /// A heading (bold on the terminal).
    Title,
    /// A table's column titles (reversed on the terminal).
    TableHeader,
}

/// One line of a [`Screen`], already fitted to the width it was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The text, free of control characters.
    pub text: String,
    /// Its role.
    pub kind: LineKind,
}

impl Line {
    /// An ordinary line.
    ///
    /// ```
    /// assert_eq!(pskit_tui::screen::Line::text("x").text, "x");
    /// ```
    pub fn text(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            kind: LineKind::Text,
        }
    }

    /// A heading line.
    ///
    /// ```
    /// use pskit_tui::screen::{Line, LineKind};
    /// assert_eq!(Line::title("CPU 0").kind, LineKind::Title);
    /// ```
    pub fn title(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            kind: LineKind::Title,
        }
    }

    /// A table header line.
    ///
    /// ```
    /// use pskit_tui::screen::{Line, LineKind};
    /// assert_eq!(Line::header("PID NAME").kind, LineKind::TableHeader);
    /// ```
    pub fn header(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            kind: LineKind::TableHeader,
        }
    }
}

/// One sample as a view shows it: a summary that stays on top, an optional table
/// header, and rows that scroll on the terminal; plus a status line for the footer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screen {
    /// The lines above the table (CPU bars, memory, totals).
    pub summary: Vec<Line>,
    /// The table's column titles.
    pub header: Option<Line>,
    /// The table rows (or any scrolling content).
    pub rows: Vec<Line>,
    /// A short state description (such as the sort order) for the footer.
    pub status: String,
}

impl Screen {
    /// Every line in order, as plain text without trailing blanks: the non-interactive
    /// output.
    ///
    /// ```
    /// use pskit_tui::screen::{Line, Screen};
    /// let s = Screen { summary: vec![Line::text("a  ")], rows: vec![Line::text("b")], ..Default::default() };
    /// assert_eq!(s.plain_lines(), ["a", "b"]);
    /// ```
    pub fn plain_lines(&self) -> Vec<String> {
        self.summary
            .iter()
            .chain(&self.header)
            .chain(&self.rows)
            .map(|l| l.text.trim_end().to_string())
            .collect()
    }
}

/// A table column: its title, width, alignment and how early it is dropped when the
/// width is short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The title in the header line.
    pub title: &'static str,
    /// The width in terminal columns (the minimum for the flexible column).
    pub width: usize,
    /// Where values sit.
    pub align: Align,
    /// 0 for columns that are always kept; otherwise, the higher, the earlier the
    /// column is dropped on a narrow terminal.
    pub drop_rank: u8,
}

impl Column {
    /// A column (usable in `const` tables).
    ///
    /// ```
    /// use pskit_tui::format::Align;
    /// const PID: pskit_tui::screen::Column = pskit_tui::screen::Column::new("PID", 7, Align::Right, 0);
    /// assert_eq!(PID.width, 7);
    /// ```
    pub const fn new(title: &'static str, width: usize, align: Align, drop_rank: u8) -> Column {
        Column {
            title,
            width,
            align,
            drop_rank,
        }
    }
}

/// Columns laid out for a width: some dropped when it is short, the flexible column
/// (if any) taking the rest.
///
/// ```
/// use pskit_tui::format::Align;
/// use pskit_tui::screen::{Column, Table};
/// let cols = [
///     Column { title: "PID", width: 5, align: Align::Right, drop_rank: 0 },
///     Column { title: "USER", width: 8, align: Align::Left, drop_rank: 1 },
///     Column { title: "NAME", width: 4, align: Align::Left, drop_rank: 0 },
/// ];
/// let t = Table::new(&cols, Some(2), Some(12));
/// assert_eq!(t.header(), "  PID NAME");
/// assert_eq!(t.row(&["42".into(), "root".into(), "sleep".into()]), "   42 sleep");
/// ```
#[derive(Clone, Debug)]
pub struct Table<'a> {
    columns: &'a [Column],
    kept: Vec<usize>,
    flex: Option<usize>,
    widths: Vec<usize>,
    width: Option<usize>,
}

impl<'a> Table<'a> {
    /// Lays out `columns` for `width` terminal columns (`None`: unlimited), with
    /// `flex` the index of the column that takes the free space.
    pub fn new(columns: &'a [Column], flex: Option<usize>, width: Option<usize>) -> Table<'a> {
        let mut kept: Vec<usize> = (0..columns.len()).collect();
        let needed = |kept: &[usize]| -> usize {
            kept.iter().map(|&i| columns[i].width).sum::<usize>() + kept.len().saturating_sub(1)
        };
        if let Some(w) = width {
            while needed(&kept) > w {
                let victim = kept
                    .iter()
                    .enumerate()
                    .filter(|(_, &i)| columns[i].drop_rank > 0)
                    .max_by_key(|(pos, &i)| (columns[i].drop_rank, *pos))
                    .map(|(pos, _)| pos);
                match victim {
                    Some(pos) => {
                        kept.remove(pos);
                    }
                    None => break,
                }
            }
        }
        let mut widths: Vec<usize> = columns.iter().map(|c| c.width).collect();
        if let (Some(f), Some(w)) = (flex, width) {
            if kept.contains(&f) {
                widths[f] += w.saturating_sub(needed(&kept));
            }
        }
        Table {
            columns,
            kept,
            flex,
            widths,
            width,
        }
    }

    /// Whether column `index` survived the layout.
    ///
    /// ```
    /// use pskit_tui::{format::Align, screen::{Column, Table}};
    /// let cols = [Column { title: "A", width: 3, align: Align::Left, drop_rank: 1 }];
    /// assert!(!Table::new(&cols, None, Some(2)).shows(0));
    /// ```
    pub fn shows(&self, index: usize) -> bool {
        self.kept.contains(&index)
    }

    /// The header line (titles).
    pub fn header(&self) -> String {
        let titles: Vec<String> = self.columns.iter().map(|c| c.title.to_string()).collect();
        self.row(&titles)
    }

    /// One row from one cell per column (cells of dropped columns are ignored),
    /// fitted to the width.
    pub fn row(&self, cells: &[String]) -> String {
        let mut parts = Vec::with_capacity(self.kept.len());
        for &i in &self.kept {
            let cell = cells.get(i).map(String::as_str).unwrap_or("");
            let col = &self.columns[i];
            let unlimited = self.width.is_none() && self.flex == Some(i);
            parts.push(if unlimited {
                cell.to_string()
            } else {
                fit(cell, self.widths[i], col.align)
            });
        }
        let line = parts.join(" ");
        let line = match self.width {
            Some(w) if line.width() > w => truncate(&line, w),
            _ => line,
        };
        line.trim_end().to_string()
    }
}

/// `text` cut to `width` when there is one.
///
/// ```
/// assert_eq!(pskit_tui::screen::clip("abcdef".into(), Some(4)), "abcd");
/// assert_eq!(pskit_tui::screen::clip("abcdef".into(), None), "abcdef");
/// ```
pub fn clip(text: String, width: Option<usize>) -> String {
    match width {
        Some(w) if text.width() > w => truncate(&text, w),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 4] = [
        Column {
            title: "PID",
            width: 7,
            align: Align::Right,
            drop_rank: 0,
        },
        Column {
            title: "USER",
            width: 8,
            align: Align::Left,
            drop_rank: 2,
        },
        Column {
            title: "CPU%",
            width: 5,
            align: Align::Right,
            drop_rank: 1,
        },
        Column {
            title: "NAME",
            width: 8,
            align: Align::Left,
            drop_rank: 0,
        },
    ];

    #[test]
    fn drops_highest_rank_first_and_fills_flex() {
        let t = Table::new(&COLS, Some(3), Some(31));
        assert!(t.shows(1) && t.shows(2));
        let t = Table::new(&COLS, Some(3), Some(30));
        assert!(!t.shows(1) && t.shows(2));
        let t = Table::new(&COLS, Some(3), Some(22));
        assert!(!t.shows(1) && t.shows(2));
        assert_eq!(t.header(), "    PID  CPU% NAME");
        let t = Table::new(&COLS, Some(3), Some(16));
        assert!(!t.shows(1) && !t.shows(2));
    }

    #[test]
    fn rows_never_exceed_the_width() {
        let cells: Vec<String> = ["1234567", "someone", "99.9", "a-very-long-name"]
            .map(String::from)
            .to_vec();
        for w in 0..60 {
            let t = Table::new(&COLS, Some(3), Some(w));
            assert!(t.row(&cells).width() <= w, "width {w}");
            assert!(t.header().width() <= w, "width {w}");
        }
        let t = Table::new(&COLS, Some(3), None);
        assert!(t.row(&cells).ends_with("a-very-long-name"));
    }
}
