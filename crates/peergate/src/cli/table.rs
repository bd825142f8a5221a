//! How the command line prints listings: a header row and columns padded to their widest cell
//! (two spaces apart, the last column unpadded), and times as people read them.

use time::OffsetDateTime;
use time::macros::format_description;

/// Prints `rows` under `header`, each column as wide as its widest cell.
pub fn print(header: &[&str], rows: &[Vec<String>]) {
    print!("{}", render(header, rows));
}

fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            out.push_str(cell);
            if i < last {
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A UNIX time as `2026-12-03 08:15 UTC`; `-` for none.
pub fn when(at: Option<i64>) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "-".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_times_read_as_dates() {
        let rows = vec![vec!["1".into(), "Zürich".into(), "zurich".into()], vec!["12".into(), "hq".into(), "hq".into()]];
        assert_eq!(render(&["ID", "NAME", "INTERFACE"], &rows), "ID  NAME    INTERFACE\n1   Zürich  zurich\n12  hq      hq\n");
        assert_eq!(when(Some(1_796_285_700)), "2026-12-03 08:15 UTC");
        assert_eq!(when(None), "-");
    }
}
