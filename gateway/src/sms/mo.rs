//! Mobile-originated SMS: a deliver_sm that is not a receipt → an [`MoSms`].
//!
//! The SMSC routes a handset's SMS-SUBMIT to a service number (smsc-sim by
//! its account's `address_range`) to the gateway as deliver_sm. Each link
//! keeps an [`MoAssembler`]: a single-part message becomes an `MoSms` at
//! once; the parts of a concatenated one (8/16-bit UDH, SAR TLVs, or a
//! message_payload) are joined first, kept per (originator, recipient,
//! reference) for at most [`REASSEMBLY_TIMEOUT`]. Text is decoded by
//! data_coding (GSM 7-bit unpacked, Latin-1, UCS-2); binary codings give
//! lossy text, which callers treat as malformed. The text is never logged:
//! a reply may carry a PIN.

use std::time::{Duration, Instant};

use wire::{
    smpp::{
        rusmpp::pdus::DeliverSm,
        tlv::{self, SarTlvs},
    },
    text::{Outcome, Part, Reassembler},
};

/// How long the first part of a concatenated MO waits for the others.
pub const REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(120);
/// Concatenated MOs held incomplete at once per SMSC; the oldest goes first.
const MAX_PENDING: usize = 1024;

/// One whole MO message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoSms {
    /// The SMSC it came from (its configured name).
    pub smsc: String,
    /// source_addr: the handset's number as the SMSC wrote it.
    pub from: String,
    /// destination_addr: the service number it was sent to.
    pub to: String,
    pub text: String,
    /// Unix milliseconds when the gateway had it whole.
    pub at: i64,
}

/// Joins MO parts for one SMSC.
#[derive(Debug)]
pub struct MoAssembler {
    smsc: String,
    parts: Reassembler,
}

impl MoAssembler {
    pub fn new(smsc: String) -> Self {
        MoAssembler {
            smsc,
            parts: Reassembler::new(REASSEMBLY_TIMEOUT, MAX_PENDING),
        }
    }

    /// The whole message once `sm` completes one; `None` while parts are
    /// missing, for a duplicate part, or for user data that cannot be read.
    pub fn accept(&mut self, sm: &DeliverSm, now: Instant, at: i64) -> Option<MoSms> {
        self.parts.expire(now);
        let from = sm.source_addr.to_string();
        let to = sm.destination_addr.to_string();
        let tlvs = sm.tlvs();
        let payload = tlv::message_payload(tlvs);
        let short = sm.short_message().as_ref();
        let udhi = u8::from(sm.esm_class) & 0x40 != 0;
        let part = match (payload, tlv::sar(tlvs)) {
            (Some(p), _) if short.is_empty() => Part::MessagePayload(p),
            (_, SarTlvs::Complete(sar)) => Part::Sar { sar, data: short },
            _ => Part::ShortMessage { udhi, data: short },
        };
        match self.parts.accept(&from, &to, part, now) {
            Ok(Outcome::Complete(whole)) => Some(MoSms {
                smsc: self.smsc.clone(),
                text: whole.text_lossy(u8::from(sm.data_coding)),
                from,
                to,
                at,
            }),
            Ok(Outcome::Waiting { .. } | Outcome::Duplicate) | Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use wire::smpp::{
        esm,
        rusmpp::{
            tlvs::MessageDeliveryRequestTlvValue as V,
            types::{AnyOctetString, COctetString, OctetString},
            values::{DataCoding, MessagePayload},
        },
    };

    use super::*;

    fn deliver(esm_class: u8, coding: u8, data: &[u8], tlvs: Vec<V>) -> DeliverSm {
        DeliverSm::builder()
            .source_addr(COctetString::from_string("447700900101".into()).unwrap())
            .destination_addr(COctetString::from_string("7000".into()).unwrap())
            .esm_class(esm::esm_class(esm_class))
            .data_coding(DataCoding::from(coding))
            .short_message(OctetString::from_slice(data).unwrap())
            .tlvs(tlvs)
            .build()
    }

    #[test]
    fn single_part_gsm7_reply() {
        let mut mo = MoAssembler::new("sim".into());
        let sm = deliver(0, 0, b"YES 4821", vec![]);
        let got = mo.accept(&sm, Instant::now(), 5).expect("whole");
        assert_eq!(
            (got.from.as_str(), got.to.as_str(), got.text.as_str()),
            ("447700900101", "7000", "YES 4821")
        );
        assert_eq!((got.smsc.as_str(), got.at), ("sim", 5));
    }

    #[test]
    fn udh_parts_join_in_any_order() {
        let mut mo = MoAssembler::new("sim".into());
        let now = Instant::now();
        let second = [&[5, 0, 3, 9, 2, 2][..], b" 4821"].concat();
        let first = [&[5, 0, 3, 9, 2, 1][..], b"YES"].concat();
        assert_eq!(mo.accept(&deliver(0x40, 0, &second, vec![]), now, 1), None);
        let got = mo.accept(&deliver(0x40, 0, &first, vec![]), now, 2);
        assert_eq!(got.map(|m| m.text), Some("YES 4821".to_string()));
    }

    #[test]
    fn message_payload_and_ucs2() {
        let mut mo = MoAssembler::new("sim".into());
        let payload = MessagePayload::new(AnyOctetString::from_static_slice(&[0, b'N', 0, b'O']));
        let sm = deliver(0, 0x08, b"", vec![V::MessagePayload(payload)]);
        let got = mo.accept(&sm, Instant::now(), 1).map(|m| m.text);
        assert_eq!(got, Some("NO".to_string()));
    }

    #[test]
    fn sar_parts_join() {
        let mut mo = MoAssembler::new("sim".into());
        let now = Instant::now();
        let part = |seq, text: &[u8]| {
            deliver(
                0,
                0,
                text,
                vec![
                    V::SarMsgRefNum(77),
                    V::SarTotalSegments(2),
                    V::SarSegmentSeqnum(seq),
                ],
            )
        };
        assert_eq!(mo.accept(&part(1, b"NO "), now, 1), None);
        let got = mo.accept(&part(2, b"thanks"), now, 2).map(|m| m.text);
        assert_eq!(got, Some("NO thanks".to_string()));
    }
}
