//! Address patterns. [`Pattern`] is the glob used by fault rules
//! (`"4477009*"`); [`AddressRange`] is an account's SMPP address_range for
//! MO routing, which the spec calls a regular expression: we accept the
//! subset real configurations use and reject the rest with a clear message.
//!
//! Both compile to the same token list and match with the same routine. A
//! leading `+` is ignored on both the pattern and the address, so `+44*` and
//! `44*` select the same numbers whatever TON the ESME used.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// One character, compared ASCII case-insensitively.
    Lit(u8),
    /// Any one character.
    One,
    /// Any one decimal digit.
    Digit,
    /// Any run of characters, including none.
    Run,
}

impl Token {
    fn matches(self, c: u8) -> bool {
        match self {
            Token::Lit(l) => l.eq_ignore_ascii_case(&c),
            Token::One => true,
            Token::Digit => c.is_ascii_digit(),
            Token::Run => false,
        }
    }
}

fn push(tokens: &mut Vec<Token>, t: Token) {
    // Consecutive runs are one run; keeping them would only slow matching.
    if !(t == Token::Run && tokens.last() == Some(&Token::Run)) {
        tokens.push(t);
    }
}

/// Wildcard matching with single-star backtracking: linear in practice,
/// O(pattern × address) at worst, and addresses are at most ~20 characters.
fn matches(tokens: &[Token], addr: &str) -> bool {
    let s = addr.strip_prefix('+').unwrap_or(addr).as_bytes();
    let (mut t, mut i) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while i < s.len() {
        match tokens.get(t) {
            Some(Token::Run) => {
                resume = Some((t + 1, i));
                t += 1;
                continue;
            }
            Some(tok) if tok.matches(s[i]) => {
                t += 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        match resume {
            Some((rt, ri)) => {
                t = rt;
                i = ri + 1;
                resume = Some((rt, ri + 1));
            }
            None => return false,
        }
    }
    tokens[t..].iter().all(|t| *t == Token::Run)
}

/// A glob over an address: `*` is any run of characters, `?` any one
/// character, everything else literal; the whole address must match
/// (`"4477009*"` is a prefix, `"447700900123"` one number, `"*"` all).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pattern {
    source: String,
    tokens: Vec<Token>,
}

impl Pattern {
    pub fn parse(source: &str) -> Result<Self, String> {
        if source.is_empty() {
            return Err("pattern must not be empty (use \"*\" for every address)".into());
        }
        let mut tokens = Vec::new();
        for (i, c) in source.chars().enumerate() {
            let tok = match c {
                '+' if i == 0 => continue,
                '*' => Token::Run,
                '?' => Token::One,
                '^' | '$' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '\\' | '.' => {
                    return Err(format!(
                        "pattern {source:?}: {c:?} is regex syntax; patterns are globs \
                         (digits, * for any run, ? for one character)"
                    ));
                }
                c if c.is_ascii_graphic() => Token::Lit(c as u8),
                c => {
                    return Err(format!(
                        "pattern {source:?}: character {c:?} is not allowed"
                    ));
                }
            };
            push(&mut tokens, tok);
        }
        Ok(Self {
            source: source.to_owned(),
            tokens,
        })
    }

    pub fn matches(&self, addr: &str) -> bool {
        matches(&self.tokens, addr)
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl TryFrom<String> for Pattern {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Pattern> for String {
    fn from(p: Pattern) -> String {
        p.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// An account's address_range: which MO destinations route to it.
///
/// Accepted forms: empty (no MO for this account), a prefix (`"4477009"`),
/// a glob (`"4477009*"`, `"*"`), or a regex built from `^`, `$`, literals,
/// `.`, `.*`, `\d` and `[0-9]` (`"^4477009\d*$"`). Without a closing `$` the
/// range is a prefix, as SMSCs commonly treat address_range. A `*` is the
/// glob wildcard, never a regex repetition. Anything else is an error.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AddressRange {
    source: String,
    /// None: the empty range, which matches nothing.
    tokens: Option<Vec<Token>>,
}

impl AddressRange {
    pub fn parse(source: &str) -> Result<Self, String> {
        if source.is_empty() {
            return Ok(Self::default());
        }
        let body = source.strip_prefix('^').unwrap_or(source);
        let (body, anchored) = match body.strip_suffix('$') {
            Some(b) => (b, true),
            None => (body, false),
        };
        let body = body.strip_prefix('+').unwrap_or(body);
        let mut tokens = Vec::new();
        let mut rest = body;
        while let Some(c) = rest.chars().next() {
            let (tok, len) = match c {
                '.' if rest[1..].starts_with('*') => (Token::Run, 2),
                '.' | '?' => (Token::One, 1),
                '*' => (Token::Run, 1),
                '\\' if rest[1..].starts_with('d') => (Token::Digit, 2),
                '[' if rest.starts_with("[0-9]") => (Token::Digit, 5),
                c if c.is_ascii_alphanumeric() || c == ' ' => (Token::Lit(c as u8), 1),
                c => {
                    return Err(format!(
                        "address_range {source:?}: unsupported syntax at {c:?}; use a prefix, \
                         a glob (* ?) or a regex of ^ $ . .* \\d [0-9] and literals"
                    ));
                }
            };
            push(&mut tokens, tok);
            rest = &rest[len..];
        }
        if !anchored {
            push(&mut tokens, Token::Run);
        }
        Ok(Self {
            source: source.to_owned(),
            tokens: Some(tokens),
        })
    }

    pub fn matches(&self, addr: &str) -> bool {
        self.tokens.as_deref().is_some_and(|t| matches(t, addr))
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_none()
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl TryFrom<String> for AddressRange {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<AddressRange> for String {
    fn from(r: AddressRange) -> String {
        r.source
    }
}

impl fmt::Debug for AddressRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AddressRange({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Pattern {
        Pattern::parse(s).expect("valid pattern")
    }

    #[test]
    fn glob_prefix_exact_and_wildcards() {
        assert!(pat("4477009*").matches("447700900123"));
        assert!(pat("4477009*").matches("4477009"));
        assert!(!pat("4477009*").matches("447701900123"));
        assert!(pat("447700900123").matches("447700900123"));
        assert!(!pat("447700900123").matches("4477009001234"));
        assert!(!pat("447700900123").matches("44770090012"));
        assert!(pat("*123").matches("447700900123"));
        assert!(!pat("*123").matches("447700900124"));
        assert!(pat("44?7*3").matches("44X7003"));
        assert!(!pat("44?7*3").matches("447"));
        assert!(pat("*").matches(""));
        assert!(pat("4*0*3").matches("447700900123"));
        assert!(pat("Shop*").matches("shopfront"));
    }

    #[test]
    fn leading_plus_is_ignored_on_both_sides() {
        assert!(pat("+44*").matches("447700"));
        assert!(pat("44*").matches("+447700"));
        assert!(pat("+447700").matches("+447700"));
    }

    #[test]
    fn glob_rejects_regex_and_empty() {
        assert!(Pattern::parse("").is_err());
        let err = Pattern::parse("^44.*").unwrap_err();
        assert!(err.contains("regex"), "{err}");
        assert!(Pattern::parse("44 77").is_err());
    }

    #[test]
    fn address_range_forms() {
        let r = |s: &str| AddressRange::parse(s).expect("valid range");
        assert!(!r("").matches("447700"));
        assert!(r("").is_empty());
        assert!(r("4477").matches("447700900123"));
        assert!(!r("4477").matches("4478"));
        assert!(r("^4477.*").matches("447700"));
        assert!(r("^4477\\d\\d$").matches("447712"));
        assert!(!r("^4477\\d\\d$").matches("4477123"));
        assert!(!r("^4477[0-9]$").matches("4477a"));
        assert!(r("^44.7$").matches("44x7"));
        assert!(r("*").matches("12345"));
        assert!(r("+4477").matches("+447700"));
        let err = AddressRange::parse("^(44|33)").unwrap_err();
        assert!(err.contains("address_range"), "{err}");
        assert!(AddressRange::parse("44\\d{3}").is_err());
    }

    #[test]
    fn serde_keeps_source_text() {
        let p: Pattern = serde_json::from_str("\"+4477*\"").expect("valid json pattern");
        assert_eq!(serde_json::to_string(&p).expect("serializes"), "\"+4477*\"");
        assert!(serde_json::from_str::<Pattern>("\"4[4]\"").is_err());
    }
}
