//! Text to TP-UD: [`text_user_data`] picks the alphabet and splits a text
//! into the user data of one or more SMS-DELIVER / SMS-SUBMIT TPDUs.
//!
//! GSM 7-bit when every character fits (escapes count two), else UCS-2.
//! One part carries 160 septets or 70 UTF-16 units; longer texts go in
//! parts of 153 / 67 with an 8-bit concatenation header each. The split
//! itself is [`crate::text::segment_text`]'s, so SMPP and the air agree on
//! where parts break (never inside an escape or a surrogate pair).

use super::TpduError;
use super::dcs::{Alphabet, DataCodingScheme, MessageClass};
use super::user_data::{UserData, UserDataBody};
use crate::text::{
    Concatenation, Encoding, UserDataHeader, gsm7, segment_count, segment_text, smallest_encoding,
    ucs2,
};

/// Most parts a concatenated message has (the count is one octet).
const MAX_PARTS: usize = 255;

/// The TP-DCS and the parts' user data for `text`. A text that needs more
/// than 255 parts is cut to the longest prefix that fits in 255; use
/// [`try_text_user_data`] to get an error instead.
pub fn text_user_data(
    text: &str,
    reference: u8,
    class: Option<MessageClass>,
) -> (DataCodingScheme, Vec<UserData>) {
    if let Ok(parts) = try_text_user_data(text, reference, class) {
        return parts;
    }
    // Each prefix is measured in the alphabet it would be sent in; the part
    // count only grows with the prefix, so a binary search finds the cut.
    let fits = |chars: usize| {
        let prefix: String = text.chars().take(chars).collect();
        segment_count(
            &prefix,
            smallest_encoding(&prefix),
            Concatenation::Udh8(reference),
        )
        .is_ok_and(|n| n <= MAX_PARTS)
    };
    // `fits(0)` always holds: the empty text is one part.
    let (mut lo, mut hi) = (0, text.chars().count());
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) { lo = mid } else { hi = mid - 1 }
    }
    let prefix: String = text.chars().take(lo).collect();
    try_text_user_data(&prefix, reference, class)
        .expect("the prefix was just segmented into at most 255 parts")
}

/// Like [`text_user_data`], but a text longer than 255 parts is an error.
pub fn try_text_user_data(
    text: &str,
    reference: u8,
    class: Option<MessageClass>,
) -> Result<(DataCodingScheme, Vec<UserData>), TpduError> {
    let encoding = smallest_encoding(text);
    let alphabet = match encoding {
        Encoding::Gsm7 => Alphabet::Gsm7,
        _ => Alphabet::Ucs2,
    };
    let segments = segment_text(text, encoding, Concatenation::Udh8(reference))?;
    let parts = segments
        .into_iter()
        .map(|s| {
            let (header, body) = match &s.udh {
                Some(udh) => {
                    let (header, body) = UserDataHeader::parse(&s.data)?;
                    debug_assert_eq!(s.data.len() - body.len(), udh.len());
                    (Some(header), body)
                }
                None => (None, s.data.as_slice()),
            };
            let text = match encoding {
                Encoding::Gsm7 => gsm7::decode(body)?,
                _ => ucs2::decode(body)?,
            };
            Ok(UserData {
                header,
                body: UserDataBody::Text(text),
            })
        })
        .collect::<Result<Vec<_>, TpduError>>()?;
    Ok((DataCodingScheme::new(alphabet, class), parts))
}
