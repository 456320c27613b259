//! Text helpers for the checkout pages: HTML escaping, masking of phone
//! numbers, and the return-URL check.
//!
//! Everything a page shows that came from a merchant, a customer or a request
//! passes through [`escape`] (text and attribute values alike, since it also
//! escapes both quote kinds). [`mask_msisdn`] turns an E.164 number into
//! "+44 ••• ••• 0101": country code and last four digits only, with a fixed
//! mask so the length of the national number is not shown either.
//! [`return_link`] accepts only absolute http/https URLs and appends the
//! payment id and status as query parameters.

use std::fmt::Write as _;

/// Escapes `&`, `<`, `>`, `"` and `'`; safe for element text and quoted
/// attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Masks a phone number for display: "447700900101" -> "+44 ••• ••• 0101".
/// Non-digits (a leading "+", spaces) are ignored.
pub fn mask_msisdn(msisdn: &str) -> String {
    let digits: Vec<char> = msisdn.chars().filter(char::is_ascii_digit).collect();
    let cc_len = country_code_len(&digits);
    if digits.len() < cc_len + 6 {
        // Too short to be an E.164 subscriber number: show only two digits
        // so that masking still hides most of it.
        let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
        return format!("••• ••• {tail}");
    }
    let cc: String = digits[..cc_len].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("+{cc} ••• ••• {tail}")
}

/// Length of the ITU-T E.164 country code at the start of `digits`.
fn country_code_len(digits: &[char]) -> usize {
    // Zones 1 (NANP) and 7 use one digit; these two-digit codes are assigned;
    // every other code is three digits long.
    const TWO_DIGIT: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    match digits.first() {
        None => 0,
        Some('1' | '7') => 1,
        Some(_) if digits.len() < 2 => digits.len(),
        Some(_) => {
            let two: String = digits[..2].iter().collect();
            if TWO_DIGIT.contains(&two.as_str()) {
                2
            } else {
                3.min(digits.len())
            }
        }
    }
}

/// Returns the URL if it is an absolute http or https URL with a host and
/// without whitespace or control characters; `None` otherwise
/// (`javascript:`, `data:`, relative and scheme-relative URLs included).
pub fn safe_return_url(url: &str) -> Option<&str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..host_end];
    // A host is needed; "http:///x" and "http://\evil" style tricks are refused.
    if authority.is_empty() || authority.contains('\\') || authority.starts_with('@') {
        return None;
    }
    Some(url)
}

/// The link back to the merchant: the return URL with `payment_id` and
/// `status` added to its query (before any fragment). `None` when the URL is
/// not an acceptable http/https URL.
pub fn return_link(return_url: &str, payment_id: &str, status: &str) -> Option<String> {
    let url = safe_return_url(return_url)?;
    let (base, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let sep = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    Some(format!(
        "{base}{sep}payment_id={}&status={}{fragment}",
        query_encode(payment_id),
        query_encode(status)
    ))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn query_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("ACME 商店"), "ACME 商店");
    }

    #[test]
    fn masks_numbers_by_country_code() {
        assert_eq!(mask_msisdn("447700900101"), "+44 ••• ••• 0101");
        assert_eq!(mask_msisdn("+8613800138000"), "+86 ••• ••• 8000");
        assert_eq!(mask_msisdn("12025550123"), "+1 ••• ••• 0123");
        assert_eq!(mask_msisdn("35312345678"), "+353 ••• ••• 5678");
        assert_eq!(mask_msisdn("12345"), "••• ••• 45");
        assert_eq!(mask_msisdn(""), "••• ••• ");
    }

    #[test]
    fn masked_number_hides_the_middle_digits() {
        let masked = mask_msisdn("447700900101");
        assert!(!masked.contains("7700"));
        assert!(!masked.contains("900"));
    }

    #[test]
    fn return_url_only_http_and_https() {
        assert!(safe_return_url("https://shop.example/done").is_some());
        assert!(safe_return_url("HTTP://shop.example").is_some());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "//evil.example/",
            "/relative",
            "https://",
            "http:///path",
            "https://a b.example/",
            "https://shop.example/\n",
            "ftp://shop.example/",
        ] {
            assert_eq!(safe_return_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn return_link_appends_query_before_fragment() {
        let l = |u| return_link(u, "pay_ABC", "succeeded");
        assert_eq!(
            l("https://s.example/r").as_deref(),
            Some("https://s.example/r?payment_id=pay_ABC&status=succeeded")
        );
        assert_eq!(
            l("https://s.example/r?o=1#top").as_deref(),
            Some("https://s.example/r?o=1&payment_id=pay_ABC&status=succeeded#top")
        );
        assert_eq!(l("javascript:alert(1)"), None);
        assert_eq!(
            return_link("http://s.example/?", "a&b", "x y").as_deref(),
            Some("http://s.example/?payment_id=a%26b&status=x%20y")
        );
    }
}
