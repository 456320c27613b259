//! What each kind of terminal shows of a message: [`display`].
//!
//! - phone, pda: the whole text, concatenated messages reassembled.
//! - pager: an alphanumeric pager's one-line screen: the first
//!   [`PAGER_WIDTH`] characters, printable ASCII only (anything else shows as
//!   `?`, line breaks and tabs as spaces). Pagers do not reassemble: each
//!   part of a concatenated message is a message of its own ([`reassembles`]).
//! - stb-card: the card in a set-top box puts one line on the TV: whitespace
//!   runs (line breaks included) become one space and the line stops at
//!   [`STB_LINE_WIDTH`] characters, the last one an ellipsis when cut. The
//!   TV renders any script, so Unicode stays; parts are reassembled.

use wire::air::TerminalKind;

/// Characters on a pager's screen.
pub const PAGER_WIDTH: usize = 80;
/// Characters in a set-top box's on-screen line.
pub const STB_LINE_WIDTH: usize = 120;

/// The text as `kind` shows it.
pub fn display(kind: TerminalKind, text: &str) -> String {
    match kind {
        TerminalKind::Phone | TerminalKind::Pda => text.to_owned(),
        TerminalKind::Pager => text
            .chars()
            .take(PAGER_WIDTH)
            .map(|c| match c {
                ' '..='~' => c,
                '\n' | '\r' | '\t' => ' ',
                _ => '?',
            })
            .collect(),
        TerminalKind::StbCard => {
            let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if line.chars().count() <= STB_LINE_WIDTH {
                line
            } else {
                let mut cut: String = line.chars().take(STB_LINE_WIDTH - 1).collect();
                cut.push('…');
                cut
            }
        }
    }
}

/// Whether `kind` joins the parts of a concatenated message.
pub fn reassembles(kind: TerminalKind) -> bool {
    kind != TerminalKind::Pager
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_pdas_show_everything() {
        let text = "Line 1\n验证码：123456 ".repeat(40);
        assert_eq!(display(TerminalKind::Phone, &text), text);
        assert_eq!(display(TerminalKind::Pda, &text), text);
        assert!(reassembles(TerminalKind::Phone) && reassembles(TerminalKind::Pda));
    }

    #[test]
    fn pagers_show_80_printable_ascii_characters() {
        assert_eq!(
            display(TerminalKind::Pager, "Code 1234\nbye"),
            "Code 1234 bye"
        );
        assert_eq!(display(TerminalKind::Pager, "验证码：123456"), "????123456");
        assert_eq!(display(TerminalKind::Pager, "café £5"), "caf? ?5");
        let long: String = ('a'..='z').cycle().take(200).collect();
        let shown = display(TerminalKind::Pager, &long);
        assert_eq!(shown.chars().count(), PAGER_WIDTH);
        assert_eq!(shown, long[..PAGER_WIDTH]);
        assert!(!reassembles(TerminalKind::Pager));
    }

    #[test]
    fn set_top_cards_show_one_line() {
        assert_eq!(
            display(TerminalKind::StbCard, "  Your code\n\nis  123456 \t"),
            "Your code is 123456"
        );
        assert_eq!(
            display(TerminalKind::StbCard, "验证码：123456"),
            "验证码：123456"
        );
        let long = "word ".repeat(60);
        let shown = display(TerminalKind::StbCard, &long);
        assert_eq!(shown.chars().count(), STB_LINE_WIDTH);
        assert!(shown.ends_with('…') && shown.starts_with("word word"));
        let exact = "x".repeat(STB_LINE_WIDTH);
        assert_eq!(
            display(TerminalKind::StbCard, &exact),
            exact,
            "no cut at the limit"
        );
        assert!(reassembles(TerminalKind::StbCard));
    }
}
