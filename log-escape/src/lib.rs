//! Log formatting that text from outside cannot forge.
//!
//! Merchant text (names, order ids, descriptions), identities, SMPP
//! system_ids, SMSC answers, air-link text and error messages end up in log
//! fields of every Switchboard binary. tracing-subscriber's
//! default field formatter writes `%` (Display) fields and the message as
//! they are, so a newline in a value starts a line that looks like the
//! gateway's own, and ESC sequences reach an operator's terminal.
//! [`EscapedFields`] formats every field, the message included, through
//! [`escape`]: line breaks, tabs, C0/C1 controls, DEL, the Unicode line and
//! paragraph separators and the bidirectional overrides become `\n`, `\r`,
//! `\t` or `\u{..}`, so one event is always one line of printable text.
//! [`fmt_builder`] is the subscriber each binary installs.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::SubscriberBuilder;
use tracing_subscriber::fmt::format::Writer;

/// Field formatter that escapes every value (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct EscapedFields;

/// The fmt subscriber builder with [`EscapedFields`]; the caller adds the
/// filter and the writer (stderr in every binary). Colours only when stderr
/// is a terminal: in a log file or a CI capture, ANSI sequences are noise
/// and would hide a forged ESC among the formatter's own.
pub fn fmt_builder() -> SubscriberBuilder<EscapedFields> {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .fmt_fields(EscapedFields)
        .with_ansi(std::io::stderr().is_terminal())
}

/// Whether `c` must not reach a log line as it is.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `s` to `out` with the characters of [`needs_escape`] escaped.
pub fn escape(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    let mut rest = s;
    while let Some(i) = rest.find(needs_escape) {
        out.write_str(&rest[..i])?;
        let c = rest[i..]
            .chars()
            .next()
            .expect("find returned a char boundary");
        match c {
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c => write!(out, "\\u{{{:x}}}", u32::from(c))?,
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// Writes one event's or span's fields.
pub struct EscapedVisitor<'w> {
    writer: Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl<'w> MakeVisitor<Writer<'w>> for EscapedFields {
    type Visitor = EscapedVisitor<'w>;

    fn make_visitor(&self, writer: Writer<'w>) -> EscapedVisitor<'w> {
        EscapedVisitor {
            writer,
            first: true,
            result: Ok(()),
        }
    }
}

impl EscapedVisitor<'_> {
    fn write(&mut self, field: &Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        self.result = (|| {
            if !self.first {
                self.writer.write_char(' ')?;
            }
            self.first = false;
            let name = field.name();
            if name != "message" {
                self.writer
                    .write_str(name.strip_prefix("r#").unwrap_or(name))?;
                self.writer.write_char('=')?;
            }
            escape(&mut self.writer, value)
        })();
    }
}

impl Visit for EscapedVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.write(field, value);
        } else {
            // Quoted like the default formatter quotes strings.
            self.write(field, &format!("{value:?}"));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.write(field, &format!("{value:?}"));
    }
}

impl VisitOutput<fmt::Result> for EscapedVisitor<'_> {
    fn finish(self) -> fmt::Result {
        self.result
    }
}

impl VisitFmt for EscapedVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        &mut self.writer
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A writer that keeps everything in memory.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("capture").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Capture {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().expect("capture")).into_owned()
        }
    }

    const EVIL: &str = "alice\n2030-01-01T00:00:00.000000Z  INFO gateway: payment succeeded\r\x1b[2J\u{9b}31m\u{202e}";

    fn log_with<N>(builder: SubscriberBuilder<N>) -> String
    where
        N: for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static,
    {
        let out = Capture::default();
        let w = out.clone();
        let subscriber = builder
            .with_ansi(false)
            .with_writer(move || w.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(identity = %EVIL, merchant = EVIL, order = ?EVIL, "payment for {EVIL}");
        });
        out.text()
    }

    #[test]
    fn hostile_text_stays_on_one_line() {
        let logged = log_with(fmt_builder());
        assert_eq!(logged.lines().count(), 1, "{logged}");
        assert!(
            !logged.contains(['\x1b', '\r', '\u{9b}', '\u{202e}']),
            "{logged:?}"
        );
        assert!(logged.contains("identity=alice\\n2030"), "{logged}");
        assert!(logged.contains("\\u{1b}[2J"), "{logged}");
        // The default formatter would have let the forged line through.
        let plain = log_with(tracing_subscriber::fmt());
        assert!(
            plain.lines().any(|l| l.starts_with("2030-01-01")),
            "{plain}"
        );
    }

    #[test]
    fn escape_leaves_printable_text_alone() {
        let mut s = String::new();
        escape(&mut s, "Café €5 — ok").unwrap();
        assert_eq!(s, "Café €5 — ok");
        s.clear();
        escape(&mut s, "a\tb\u{7f}c\u{2028}").unwrap();
        assert_eq!(s, "a\\tb\\u{7f}c\\u{2028}");
    }
}
