//! The tolerant receipt reader behind [`Receipt::parse`].
//!
//! The text is cut at the first `text:` key (any case, at the start or after
//! a separator): everything after it is the message text, verbatim, colons
//! and spaces included. The head before it is read as `key:value` tokens
//! split at separators: whitespace, and NUL, which some SMSCs leave between
//! fields (a value must not keep it: `format` would write it last and the
//! terminator trim would drop it, so the receipt would not read back). Keys are compared without case, `_` or `-`, and the
//! two-word keys `submit date` / `done date` are joined first. A value
//! written after a space (`err: 0`) is taken from the next token. Unknown
//! keys and stray words are skipped; when a key repeats, the first wins.

use super::{Receipt, ReceiptDate, ReceiptError};

const TEXT_KEY: &str = "text:";

#[derive(Default)]
struct Head<'a> {
    id: Option<&'a str>,
    sub: Option<&'a str>,
    dlvrd: Option<&'a str>,
    submit_date: Option<&'a str>,
    done_date: Option<&'a str>,
    stat: Option<&'a str>,
    err: Option<&'a str>,
}

pub(super) fn parse(s: &str) -> Result<Receipt, ReceiptError> {
    // Some SMSCs send the C-string terminator inside short_message.
    let s = s.trim_end_matches('\0');
    let (head, text) = match find_text_key(s) {
        Some(at) => (&s[..at], Some(&s[at + TEXT_KEY.len()..])),
        None => (s, None),
    };
    let head = read_head(head);
    let id = present(head.id).ok_or(ReceiptError::Missing("id"))?;
    let stat = present(head.stat).ok_or(ReceiptError::Missing("stat"))?;
    Ok(Receipt {
        id: id.to_owned(),
        sub: count("sub", head.sub)?,
        dlvrd: count("dlvrd", head.dlvrd)?,
        submit_date: date("submit date", head.submit_date)?,
        done_date: date("done date", head.done_date)?,
        stat: stat.to_owned(),
        err: present(head.err).map(str::to_owned),
        text: text.map(str::to_owned),
    })
}

fn find_text_key(s: &str) -> Option<usize> {
    // ASCII lowercasing keeps every byte offset valid in `s`.
    let lower = s.to_ascii_lowercase();
    lower
        .match_indices(TEXT_KEY)
        .map(|(at, _)| at)
        .find(|&at| s[..at].chars().next_back().is_none_or(is_separator))
}

fn read_head(head: &str) -> Head<'_> {
    let tokens: Vec<&str> = head.split(is_separator).filter(|t| !t.is_empty()).collect();
    let mut fields = Head::default();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        i += 1;
        let (key, mut value) = match token.split_once(':') {
            Some((key, value)) => (normalise(key), value),
            None if is_date_word(token) => match tokens.get(i).and_then(|t| split_date(t)) {
                Some(value) => {
                    i += 1;
                    (normalise(token) + "date", value)
                }
                None => continue,
            },
            None => continue,
        };
        if value.is_empty()
            && let Some(next) = tokens.get(i)
            && !next.contains(':')
            && !is_date_word(next)
        {
            value = next;
            i += 1;
        }
        let slot = match key.as_str() {
            "id" => &mut fields.id,
            "sub" => &mut fields.sub,
            "dlvrd" => &mut fields.dlvrd,
            "submitdate" => &mut fields.submit_date,
            "donedate" => &mut fields.done_date,
            "stat" => &mut fields.stat,
            "err" => &mut fields.err,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    fields
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '\0'
}

fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_date_word(token: &str) -> bool {
    token.eq_ignore_ascii_case("submit") || token.eq_ignore_ascii_case("done")
}

/// The value of a `date:VALUE` token.
fn split_date(token: &str) -> Option<&str> {
    let (key, value) = token.split_once(':')?;
    key.eq_ignore_ascii_case("date").then_some(value)
}

fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

fn count(field: &'static str, value: Option<&str>) -> Result<Option<u32>, ReceiptError> {
    let Some(value) = present(value) else {
        return Ok(None);
    };
    // `parse` alone would accept a leading '+'.
    value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse().ok())
        .flatten()
        .map(Some)
        .ok_or_else(|| ReceiptError::InvalidCount {
            field,
            value: value.to_owned(),
        })
}

fn date(field: &'static str, value: Option<&str>) -> Result<Option<ReceiptDate>, ReceiptError> {
    let Some(value) = present(value) else {
        return Ok(None);
    };
    ReceiptDate::parse(value)
        .map(Some)
        .map_err(|reason| ReceiptError::InvalidDate {
            field,
            value: value.to_owned(),
            reason,
        })
}
