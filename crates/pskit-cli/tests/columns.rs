//! Which columns survive at common terminal widths: the last, free-text column (COMMAND,
//! Cmdline, Mapping) takes what is left, so the other columns stay on any ordinary
//! terminal and go only when even a short free text would not fit.

mod common;

use common::*;

const PS_HEADERS: [&str; 11] = [
    "USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND",
];
const PROCSMEM_HEADERS: [&str; 7] = ["PID", "User", "USS", "PSS", "Swap", "RSS", "Cmdline"];
const PMAP_HEADERS: [&str; 4] = ["Address", "RSS", "Mode", "Mapping"];

/// The characters the free-text column is guaranteed before optional columns are kept.
const FREE_TEXT_MIN: usize = 20;

/// Runs `pskit args` with `COLUMNS=width`; every line must fit. Returns stdout.
fn at_width(args: &[&str], width: usize) -> String {
    let out = pskit_cmd(args)
        .env("COLUMNS", width.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(
            line.chars().count() <= width,
            "{args:?} at {width}: {line:?}"
        );
    }
    text
}

/// The header's titles, which must be `all` in order with some left out, the free-text
/// column last and starting early enough to get its minimum.
fn headers<'a>(text: &'a str, all: &[&str], width: usize) -> Vec<&'a str> {
    let header = text.lines().next().expect("a header line");
    let shown: Vec<&str> = header.split_whitespace().collect();
    let mut rest = all.iter();
    for h in &shown {
        assert!(rest.any(|a| a == h), "{h} out of order in {header:?}");
    }
    let last = all.last().unwrap();
    assert_eq!(shown.last(), Some(last), "{header:?}");
    let start = header.find(last).unwrap();
    assert!(
        start + FREE_TEXT_MIN <= width,
        "{last} at {start} leaves too little room in {width}: {header:?}"
    );
    shown
}

#[test]
fn ps_keeps_every_column_at_120_and_200_and_the_main_ones_at_80() {
    let s = Sleeper::new();
    let child = s.spawn();
    for width in [120, 200] {
        let text = at_width(&["ps"], width);
        assert_eq!(headers(&text, &PS_HEADERS, width), PS_HEADERS, "{width}");
        let row = text
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(&child.id().to_string()))
            .unwrap_or_else(|| panic!("our child in {text}"));
        assert!(row.contains(&s.name), "{row}");
    }
    // USER is cut to 12 characters and the numbers are short: these always fit in 80.
    let text = at_width(&["ps"], 80);
    let shown = headers(&text, &PS_HEADERS, 80);
    assert_eq!(shown[..6], PS_HEADERS[..6], "{text}");
    reap(child);
}

#[test]
fn procsmem_keeps_every_column_at_120_and_200() {
    let s = Sleeper::new();
    let child = s.spawn();
    for width in [120, 200] {
        let text = at_width(&["procsmem"], width);
        assert_eq!(
            headers(&text, &PROCSMEM_HEADERS, width),
            PROCSMEM_HEADERS,
            "{width}"
        );
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(&child.id().to_string())),
            "our child in {text}"
        );
    }
    let text = at_width(&["procsmem"], 80);
    let shown = headers(&text, &PROCSMEM_HEADERS, 80);
    assert!(shown.contains(&"USS"), "{text}");
    reap(child);
}

#[test]
fn pmap_keeps_every_column_from_80() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    for width in [80, 120, 200] {
        let text = at_width(&["pmap", &pid], width);
        assert_eq!(headers(&text, &PMAP_HEADERS, width), PMAP_HEADERS);
        assert!(text.contains(&s.name), "the image's mapping: {text}");
    }
    reap(child);
}

#[test]
fn ps_on_a_200_column_terminal_keeps_every_column() {
    let bin = env!("CARGO_BIN_EXE_pskit");
    // A pseudo-terminal without a controlling terminal starts at 0x0; give it a size
    // as a terminal emulator would.
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("stty rows 50 cols 200; {bin} ps"),
            "/dev/null",
        ])
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script(1) from util-linux is needed (scripts/test.sh installs it)");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert_eq!(headers(&text, &PS_HEADERS, 200), PS_HEADERS, "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 200, "{line:?}");
    }
}
