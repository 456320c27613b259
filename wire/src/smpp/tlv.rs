//! Reading the TLVs that carry a message's text: message_payload and the
//! three SAR TLVs. The SMSC validates a submit with them, the ESME joins an
//! inbound message with them; both read them here.

use rusmpp::tlvs::{Tlv, TlvValue};

use crate::text::Sar;

/// The message_payload TLV's octets, if the PDU has one.
pub fn message_payload(tlvs: &[Tlv]) -> Option<&[u8]> {
    tlvs.iter().find_map(|t| match t.value() {
        Some(TlvValue::MessagePayload(p)) => Some(p.value.as_ref()),
        _ => None,
    })
}

/// What the SAR TLVs of a PDU say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SarTlvs {
    /// None of the three: the PDU is a whole message.
    Absent,
    /// All three, consistent.
    Complete(Sar),
    /// All three, but the total is 0 or the sequence number outside 1..=total.
    Invalid,
    /// One or two of the three.
    Incomplete,
}

/// Reads sar_msg_ref_num, sar_total_segments and sar_segment_seqnum.
pub fn sar(tlvs: &[Tlv]) -> SarTlvs {
    let (mut r, mut total, mut seq) = (None, None, None);
    for t in tlvs {
        match t.value() {
            Some(TlvValue::SarMsgRefNum(v)) => r = Some(*v),
            Some(TlvValue::SarTotalSegments(v)) => total = Some(*v),
            Some(TlvValue::SarSegmentSeqnum(v)) => seq = Some(*v),
            _ => {}
        }
    }
    match (r, total, seq) {
        (None, None, None) => SarTlvs::Absent,
        (Some(r), Some(t), Some(s)) if t >= 1 && (1..=t).contains(&s) => SarTlvs::Complete(Sar {
            msg_ref_num: r,
            total_segments: t,
            segment_seqnum: s,
        }),
        (Some(_), Some(_), Some(_)) => SarTlvs::Invalid,
        _ => SarTlvs::Incomplete,
    }
}

#[cfg(test)]
mod tests {
    use rusmpp::types::AnyOctetString;
    use rusmpp::values::MessagePayload;

    use super::*;

    fn tlvs(values: Vec<TlvValue>) -> Vec<Tlv> {
        values.into_iter().map(Tlv::from).collect()
    }

    #[test]
    fn sar_tlvs_are_read_and_checked() {
        assert_eq!(sar(&[]), SarTlvs::Absent);
        let whole = tlvs(vec![
            TlvValue::SarMsgRefNum(7),
            TlvValue::SarTotalSegments(2),
            TlvValue::SarSegmentSeqnum(2),
        ]);
        assert_eq!(
            sar(&whole),
            SarTlvs::Complete(Sar {
                msg_ref_num: 7,
                total_segments: 2,
                segment_seqnum: 2
            })
        );
        let beyond = tlvs(vec![
            TlvValue::SarMsgRefNum(7),
            TlvValue::SarTotalSegments(2),
            TlvValue::SarSegmentSeqnum(3),
        ]);
        assert_eq!(sar(&beyond), SarTlvs::Invalid);
        let part = tlvs(vec![TlvValue::SarMsgRefNum(7)]);
        assert_eq!(sar(&part), SarTlvs::Incomplete);
    }

    #[test]
    fn message_payload_is_found() {
        let p = MessagePayload::new(AnyOctetString::from_static_slice(b"hello"));
        let with = tlvs(vec![TlvValue::SarMsgRefNum(1), TlvValue::MessagePayload(p)]);
        assert_eq!(message_payload(&with), Some(&b"hello"[..]));
        assert_eq!(message_payload(&[]), None);
    }
}
