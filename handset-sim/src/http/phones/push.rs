//! Payment requests pushed to the phone (the gateway's handset
//! confirmation): a message from a numeric short code (3 to 8 digits, a
//! service number the phone can answer) whose text holds the instruction
//! `Reply YES <ref> <PIN> ...`. [`recognise`] finds the reference;
//! [`answer_form`] draws Confirm / Decline with a PIN field under such a
//! message, a plain form (no `data-api`, so the script leaves it alone)
//! posting to `/phones/{msisdn}/answer`, where [`reply_text`] composes the
//! MO (`YES <ref> <PIN>` / `NO <ref>`) sent through the terminal's
//! ordinary outbox. [`mask_pin`] keeps the PIN off the page's list of
//! sent messages.

use super::forms;
use super::render::Esc;
use crate::http::error::ApiError;
use crate::terminal::InboxMessage;

/// The service number and reference of a push, if `m` is one.
pub fn recognise(m: &InboxMessage) -> Option<(&str, &str)> {
    let from = m.from.as_str();
    if !(3..=8).contains(&from.len()) || !from.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let after = m.text.split("Reply YES ").nth(1)?;
    let (reference, rest) = after.split_once(' ')?;
    let ok = rest.starts_with("<PIN>")
        && (1..=8).contains(&reference.len())
        && reference.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some((from, reference))
}

/// The Confirm / Decline form under a push message.
pub fn answer_form(msisdn: &str, m: &InboxMessage, back: &str) -> Option<String> {
    let (to, reference) = recognise(m)?;
    let open = forms::open_plain(msisdn, "answer", back, "push-answer");
    let id = format!("t-{}-m{}", Esc(msisdn), m.id);
    Some(format!(
        "{open}<input type=\"hidden\" name=\"to\" value=\"{to}\">\
         <input type=\"hidden\" name=\"reference\" value=\"{reference}\">\
         <label for=\"{id}-pin\">PIN</label>\
         <input id=\"{id}-pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" \
         autocomplete=\"off\" pattern=\"[0-9]{{4,8}}\" maxlength=\"8\" required>\
         <button type=\"submit\" name=\"decision\" value=\"yes\" id=\"{id}-confirm\">Confirm</button>\
         <button type=\"submit\" name=\"decision\" value=\"no\" formnovalidate \
         id=\"{id}-decline\">Decline</button></form>",
        to = Esc(to),
        reference = Esc(reference),
    ))
}

/// The MO text for a decision, checked field by field.
pub fn reply_text(
    decision: Option<&str>,
    reference: Option<&str>,
    pin: Option<&str>,
) -> Result<String, ApiError> {
    let reference = reference
        .filter(|r| (1..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        .ok_or_else(|| ApiError::bad_request("the payment reference is missing"))?;
    match decision {
        Some("yes") => {
            let pin = pin
                .map(str::trim)
                .filter(|p| (4..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| ApiError::bad_request("the PIN must be 4 to 8 digits"))?;
            Ok(format!("YES {reference} {pin}"))
        }
        Some("no") => Ok(format!("NO {reference}")),
        _ => Err(ApiError::bad_request("decision must be yes or no")),
    }
}

/// "YES K7Q2 4821" -> "YES K7Q2 ••••": what the page shows of a reply.
pub fn mask_pin(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let pin_like = |w: &str| (4..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit());
    match words.as_slice() {
        [yes, rest @ .., last] if yes.eq_ignore_ascii_case("yes") && pin_like(last) => {
            let mut shown: Vec<&str> = vec![yes];
            shown.extend_from_slice(rest);
            format!("{} ••••", shown.join(" "))
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_composed_and_checked() {
        assert_eq!(
            reply_text(Some("yes"), Some("K7Q2"), Some(" 4821 ")).ok(),
            Some("YES K7Q2 4821".into())
        );
        assert_eq!(
            reply_text(Some("no"), Some("K7Q2"), None).ok(),
            Some("NO K7Q2".into())
        );
        assert!(reply_text(Some("yes"), Some("K7Q2"), Some("12")).is_err());
        assert!(reply_text(Some("yes"), Some("K7 Q2"), Some("4821")).is_err());
        assert!(reply_text(Some("maybe"), Some("K7Q2"), Some("4821")).is_err());
    }

    #[test]
    fn the_pin_is_masked_in_sent_replies() {
        assert_eq!(mask_pin("YES K7Q2 4821"), "YES K7Q2 ••••");
        assert_eq!(mask_pin("yes 4821"), "yes ••••");
        assert_eq!(mask_pin("NO K7Q2"), "NO K7Q2");
        assert_eq!(mask_pin("hello 1234"), "hello 1234");
    }
}
