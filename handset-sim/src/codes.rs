//! Authorization-code extraction: [`CodeExtractor`] finds the one-time code
//! in a message text with configurable regexes (capture group 1 is the code).
//!
//! The patterns are tried in order; each may match several times. A
//! candidate that is only a piece of a bigger number is skipped and the
//! search goes on: a decimal or grouped amount (`12.50`, `1,250`), an amount
//! next to a currency (`£1250`, `1250 GBP`, `1250元`), a phone number
//! (`+447700900123`, `+44 7700 900123`), a date, or a longer digit run. The
//! skipped span is masked in a working copy (same byte length, so offsets
//! stay valid) and the pattern runs again; the adjacency checks always read
//! the original text. The first candidate that stands alone is the code.

use regex::Regex;

/// The defaults find a 4-10 digit code after or before a keyword, in
/// English ("Your code is 123456", "123456 is your code") and Chinese
/// ("验证码：123456", "123456是您的验证码").
pub const DEFAULT_PATTERNS: &[&str] = &[
    r"(?is)\b(?:code|passcode|otp|pin|password)\b.{0,60}?([0-9]{4,10})",
    r"(?is)([0-9]{4,10})[^0-9]{0,40}?\b(?:code|passcode|otp|pin|password)\b",
    r"(?s)(?:验证码|校验码|动态码|确认码|授权码|动态密码).{0,20}?([0-9]{4,10})",
    r"(?s)([0-9]{4,10})[^0-9]{0,10}?(?:验证码|校验码|动态码|确认码|授权码|动态密码)",
];

/// Currency codes and signs that make a neighbouring number an amount.
const CURRENCY_CODES: &[&str] = &[
    "GBP", "USD", "EUR", "CNY", "RMB", "JPY", "HKD", "INR", "CHF", "AUD", "CAD", "SGD",
];
const CURRENCY_SIGNS: &[char] = &['£', '$', '€', '¥', '￥', '₹', '元'];

/// How many candidates one pattern may reject before it gives up.
const MAX_CANDIDATES: usize = 64;

/// A pattern the extractor cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("patterns[{index}]: {message}")]
    Invalid { index: usize, message: String },
    #[error("patterns[{index}]: {pattern:?} has no capture group 1 to hold the code")]
    NoGroup { index: usize, pattern: String },
}

#[derive(Debug, Clone)]
pub struct CodeExtractor {
    patterns: Vec<Regex>,
}

impl Default for CodeExtractor {
    fn default() -> Self {
        Self::new(DEFAULT_PATTERNS).expect("the default patterns are valid")
    }
}

impl CodeExtractor {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let patterns = patterns
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let p = p.as_ref();
                let re = Regex::new(p).map_err(|e| PatternError::Invalid {
                    index,
                    message: e.to_string(),
                })?;
                if re.captures_len() < 2 {
                    return Err(PatternError::NoGroup {
                        index,
                        pattern: p.to_owned(),
                    });
                }
                Ok(re)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { patterns })
    }

    /// The code in `text`, if a pattern finds one that stands alone.
    pub fn extract(&self, text: &str) -> Option<String> {
        self.patterns
            .iter()
            .find_map(|re| first_standalone(re, text))
    }
}

fn first_standalone(re: &Regex, text: &str) -> Option<String> {
    let mut work = text.to_owned();
    for _ in 0..MAX_CANDIDATES {
        let caps = re.captures(&work)?;
        let group = caps.get(1).filter(|g| !g.is_empty())?;
        let (start, end) = (group.start(), group.end());
        if standalone(text, start, end) {
            return Some(text[start..end].to_owned());
        }
        if work[start..end].bytes().all(|b| b == b'x') {
            // The pattern matches its own mask: it cannot make progress.
            return None;
        }
        // Same byte length, so offsets into `text` stay valid.
        work.replace_range(start..end, &"x".repeat(end - start));
    }
    None
}

/// Whether `text[start..end]` is a number of its own rather than a piece of
/// an amount, a phone number, a date or a longer digit run.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    let (b1, b2) = (before.next(), before.next());
    let (a1, a2) = (after.next(), after.next());
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let is = |c: Option<char>, set: &[char]| c.is_some_and(|c| set.contains(&c));
    if digit(b1) || digit(a1) || b1 == Some('+') {
        return false;
    }
    // 12.50, 1,250, 7700 900123, 2024-06-01 (either side).
    let joiners = ['.', ',', ' ', '-', '/', ':'];
    if (is(b1, &joiners) && digit(b2)) || (is(a1, &joiners) && digit(a2)) {
        return false;
    }
    if is(b1, CURRENCY_SIGNS) || is(a1, CURRENCY_SIGNS) {
        return false;
    }
    let word_before = text[..start].trim_end().rsplit(char::is_whitespace).next();
    let word_after = text[end..].trim_start().split(char::is_whitespace).next();
    let currency = |w: Option<&str>| {
        w.is_some_and(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && !CURRENCY_SIGNS.contains(&c));
            CURRENCY_CODES.iter().any(|c| c.eq_ignore_ascii_case(w)) || w.ends_with(CURRENCY_SIGNS)
        })
    };
    !(currency(word_before) || currency(word_after))
}

#[cfg(test)]
mod tests;
