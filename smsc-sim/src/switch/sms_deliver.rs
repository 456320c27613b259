//! An accepted SMPP message as the SMS-DELIVER TPDUs the switch sends over
//! the air.
//!
//! SMPP and the air interface code text differently: SMPP's data_coding
//! 0x00-0x0F is its own table (GSM 7-bit one septet per octet, IA5, Latin-1,
//! UCS-2, 8-bit) while 0x10 and up follow the GSM DCS. The text is decoded
//! and re-encoded in GSM 7-bit when the default alphabet holds it, else
//! UCS-2; binary stays 8-bit; a message class (0 = flash) carries over. A
//! UDH from the ESME (it segmented the message itself) is kept, SAR TLVs
//! become a 16-bit concatenation element, and a message_payload longer than
//! one TPDU is split here into concatenated segments, delivered in order
//! with TP-MMS set on all but the last.

use time::OffsetDateTime;
use wire::text::udh::{InformationElement, UserDataHeader};
use wire::text::{self, gsm7};
use wire::tpdu::{
    Alphabet, DataCodingScheme, MessageClass, SmsDeliver, Timestamp, TpAddress, TpduError,
    UserData, UserDataBody, text_user_data,
};

use crate::message::Message;

/// Octets of user data one TPDU carries (160 septets in GSM 7-bit).
const UD_OCTETS: usize = 140;

#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("the ESME's UDH is malformed: {0}")]
    Udh(#[from] wire::text::UdhError),
    #[error("the text cannot be decoded with data_coding 0x{0:02X}")]
    Text(u8),
    #[error("a pre-segmented message does not fit one TPDU")]
    SegmentTooLong,
    #[error(transparent)]
    Tpdu(#[from] TpduError),
}

/// Alphabet and class the ESME asked for with `data_coding`.
fn smpp_coding(dc: u8) -> (Alphabet, Option<MessageClass>) {
    match dc {
        0x02 | 0x04 => (Alphabet::EightBit, None),
        0x08 => (Alphabet::Ucs2, None),
        0x00..=0x0F => (Alphabet::Gsm7, None),
        _ => {
            let d = DataCodingScheme(dc);
            (d.alphabet(), d.class())
        }
    }
}

/// The text as the ESME meant it, for text codings.
fn decode_text(dc: u8, alphabet: Alphabet, body: &[u8]) -> Result<String, ConvertError> {
    let smpp_dc = match (dc, alphabet) {
        (0x00..=0x0F, _) => dc,
        (_, Alphabet::Ucs2) => 0x08,
        _ => 0x00,
    };
    text::decode(smpp_dc, body).map_err(|_| ConvertError::Text(dc))
}

fn originating(m: &Message) -> TpAddress {
    TpAddress::parse_smpp(m.source.ton, m.source.npi, &m.source.addr)
        .unwrap_or_else(|_| TpAddress::alphanumeric(&m.source.addr))
}

/// The TP-SCTS form of Unix milliseconds (UTC).
pub(crate) fn scts(unix_ms: i64) -> Result<Timestamp, TpduError> {
    let dt = OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    Timestamp::from_offset_datetime(dt)
}

/// Whether `body` with `header` fits one TPDU in `alphabet`.
fn fits(header: Option<&UserDataHeader>, body: &UserDataBody, alphabet: Alphabet) -> bool {
    let udh_len = header.and_then(|h| h.encode().ok()).map_or(0, |h| h.len());
    match (body, alphabet) {
        (UserDataBody::Text(t), Alphabet::Gsm7) => {
            gsm7::septet_count(t).is_some_and(|n| n + text::pack::udh_septets(udh_len) <= 160)
        }
        (UserDataBody::Text(t), _) => t.encode_utf16().count() * 2 + udh_len <= UD_OCTETS,
        (UserDataBody::Binary(b), _) => b.len() + udh_len <= UD_OCTETS,
    }
}

/// 8-bit data split into concatenated pieces of 134 octets.
fn binary_segments(data: &[u8], reference: u8) -> Vec<UserData> {
    let chunks: Vec<&[u8]> = data.chunks(UD_OCTETS - 6).collect();
    let total = chunks.len() as u8;
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, c)| UserData {
            header: Some(UserDataHeader {
                elements: vec![InformationElement::Concat8 {
                    reference,
                    total,
                    seq: i as u8 + 1,
                }],
            }),
            body: UserDataBody::Binary(c.to_vec()),
        })
        .collect()
}

/// The SMS-DELIVER TPDUs for `m`, in delivery order.
pub fn sms_delivers(m: &Message) -> Result<Vec<Vec<u8>>, ConvertError> {
    let (mut header, body) = if m.esm_class & wire::smpp::esm::UDHI != 0 {
        let (h, rest) = UserDataHeader::parse(&m.payload)?;
        (Some(h), rest)
    } else {
        (None, &m.payload[..])
    };
    if header.is_none()
        && let Some((reference, total, seq)) = m.sar
    {
        header = Some(UserDataHeader {
            elements: vec![InformationElement::Concat16 {
                reference,
                total,
                seq,
            }],
        });
    }
    let (asked, class) = smpp_coding(m.data_coding);
    let (alphabet, content) = match asked {
        Alphabet::EightBit => (Alphabet::EightBit, UserDataBody::Binary(body.to_vec())),
        _ => {
            let t = decode_text(m.data_coding, asked, body)?;
            let a = if asked == Alphabet::Gsm7 && gsm7::fits(&t) {
                Alphabet::Gsm7
            } else {
                Alphabet::Ucs2
            };
            (a, UserDataBody::Text(t))
        }
    };
    // A stable 8-bit reference per message id for segments made here.
    let reference =
        m.id.bytes()
            .fold(0u8, |h, b| h.wrapping_mul(31).wrapping_add(b));
    let (dcs, parts) = if fits(header.as_ref(), &content, alphabet) {
        let dcs = DataCodingScheme::new(alphabet, class);
        (
            dcs,
            vec![UserData {
                header,
                body: content,
            }],
        )
    } else if header.is_some() {
        return Err(ConvertError::SegmentTooLong);
    } else {
        match content {
            UserDataBody::Text(t) => text_user_data(&t, reference, class),
            UserDataBody::Binary(b) => (
                DataCodingScheme::new(Alphabet::EightBit, class),
                binary_segments(&b, reference),
            ),
        }
    };
    let (origin, scts) = (originating(m), scts(m.submitted_at)?);
    let last = parts.len().saturating_sub(1);
    parts
        .into_iter()
        .enumerate()
        .map(|(i, user_data)| {
            SmsDeliver {
                more_messages_to_send: i < last,
                reply_path: false,
                status_report_indication: m.registered_delivery & 0x03 != 0,
                originating_address: origin.clone(),
                protocol_identifier: m.protocol_id,
                dcs,
                service_centre_timestamp: scts,
                user_data,
            }
            .encode()
            .map_err(ConvertError::from)
        })
        .collect()
}

#[cfg(test)]
#[path = "sms_deliver_tests.rs"]
mod tests;
