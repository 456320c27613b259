//! SMS texts per [`Locale`]: the authorization code, the payment receipt and
//! the registration confirmation.
//!
//! Each text names a party (merchant or service) that comes from outside, so
//! that name is cleaned first (control characters and runs of white space
//! become one space, at most [`MAX_NAME`] characters, an empty name becomes
//! "Merchant"/"商户") and then shortened, one character at a time with an
//! ellipsis ("." in English, "…" in Chinese), until the whole text fits one
//! short message: 160 GSM 7-bit septets, or 70 UCS-2 units when any
//! character needs UCS-2. When even a one-character name does not fit, the
//! full text is returned and goes out in several parts. Everything else in
//! the text (code, amount, reference) is never shortened.

use std::{fmt, str::FromStr};

use serde::Deserialize;
use wire::text::{self, Encoding};

use crate::domain::{AuthCode, Money};

/// Longest name kept before shortening starts (it also bounds the work).
pub const MAX_NAME: usize = 64;

/// Language of the texts a customer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum Locale {
    #[default]
    En,
    ZhCn,
}

impl Locale {
    /// `"en"` or `"zh-CN"` (any case, `_` for `-`, `"zh"` alone too).
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-gb" | "en-us" => Some(Locale::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Some(Locale::ZhCn),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    fn ellipsis(self) -> &'static str {
        match self {
            Locale::En => ".",
            Locale::ZhCn => "…",
        }
    }

    fn unnamed(self) -> &'static str {
        match self {
            Locale::En => "Merchant",
            Locale::ZhCn => "商户",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Locale {
    type Err = String;
    fn from_str(s: &str) -> Result<Locale, String> {
        Locale::parse(s).ok_or_else(|| format!("unknown locale {s:?} (expected en or zh-CN)"))
    }
}

impl TryFrom<String> for Locale {
    type Error = String;
    fn try_from(s: String) -> Result<Locale, String> {
        s.parse()
    }
}

/// "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it."
pub fn code_sms(
    locale: Locale,
    merchant: &str,
    code: &AuthCode,
    amount: &Money,
    ttl_min: u32,
) -> String {
    let code = code.expose();
    fit(locale, merchant, |m| match locale {
        Locale::En => {
            format!("{m}: code {code} to pay {amount}. Valid {ttl_min} min. Never share it.")
        }
        Locale::ZhCn => {
            format!("【{m}】验证码{code}，支付{amount}，{ttl_min}分钟内有效，请勿泄露。")
        }
    })
}

/// "ACME: payment of CNY 128.00 succeeded. Ref pay_…"
pub fn receipt_sms(locale: Locale, merchant: &str, amount: &Money, reference: &str) -> String {
    fit(locale, merchant, |m| match locale {
        Locale::En => format!("{m}: payment of {amount} succeeded. Ref {reference}"),
        Locale::ZhCn => format!("【{m}】支付{amount}成功。参考号{reference}"),
    })
}

/// Tells the terminal it is now registered for payments as `identity`.
pub fn registration_sms(locale: Locale, service: &str, identity: &str) -> String {
    fit(locale, service, |s| match locale {
        Locale::En => format!(
            "{s}: this phone is now registered for online payments as {identity}. Not you? Call your bank."
        ),
        Locale::ZhCn => {
            format!("【{s}】本机号码已开通网上支付，账户{identity}。如非本人操作，请致电您的银行。")
        }
    })
}

/// True when `text` fits one short message in its smallest encoding.
pub fn is_one_segment(text: &str) -> bool {
    let encoding = text::smallest_encoding(text);
    let limit = match encoding {
        Encoding::Gsm7 => 160,
        _ => 70,
    };
    text::unit_count(text, encoding).is_ok_and(|n| n <= limit)
}

fn clean(name: &str, locale: Locale) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let joined: String = words.join(" ").chars().take(MAX_NAME).collect();
    match joined.trim_end() {
        "" => locale.unnamed().to_string(),
        name => name.to_string(),
    }
}

/// Renders with the name shortened as the module docs say.
fn fit(locale: Locale, name: &str, render: impl Fn(&str) -> String) -> String {
    let name = clean(name, locale);
    let full = render(&name);
    if is_one_segment(&full) {
        return full;
    }
    let chars: Vec<char> = name.chars().collect();
    for keep in (1..chars.len()).rev() {
        let prefix: String = chars[..keep].iter().collect();
        let prefix = prefix.trim_end();
        if prefix.is_empty() {
            continue;
        }
        let text = render(&format!("{prefix}{}", locale.ellipsis()));
        if is_one_segment(&text) {
            return text;
        }
    }
    full
}

#[cfg(test)]
mod tests;
