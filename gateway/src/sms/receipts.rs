//! A receipt deliver_sm (or data_sm) → a [`DeliveryReport`].
//!
//! The id is the receipted_message_id TLV when present, else the text's
//! `id:`; either is resolved against the SMSC's recent ids ([`RecentIds`]),
//! so it equals the id `send` returned. The state is the message_state TLV
//! when present (structured, and some SMSCs leave the text empty), else the
//! text's `stat:`; the error is the text's `err:`, else the
//! network_error_code TLV's code. A receipt with no id at all is dropped.

use wire::{
    esme::ReceiptFields,
    receipt::{Receipt, stat_word},
    text,
};

use super::{
    DeliveryReport,
    ids::{IdFormat, RecentIds},
};

/// The report a receipt gives, or `None` when it names no message.
pub fn report(
    smsc: &str,
    fields: &ReceiptFields,
    ids: &RecentIds,
    format: IdFormat,
    at: i64,
) -> Option<DeliveryReport> {
    // Receipt text is ASCII in practice (data_coding 0 read as IA5), but an
    // SMSC may send it in the original message's coding (UCS-2 after a
    // Chinese code SMS); decoding lossily keeps odd bytes from failing it.
    let coding = match fields.data_coding {
        0x00 => 0x01,
        other => other,
    };
    let parsed = Receipt::parse(&text::decode_lossy(coding, &fields.text)).ok();
    let raw_id = fields
        .receipted_message_id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .or_else(|| parsed.as_ref().map(|r| r.id.clone()))
        .filter(|id| !id.trim().is_empty())?;
    let stat = fields
        .message_state
        .and_then(stat_word)
        .map(str::to_string)
        .or_else(|| parsed.as_ref().map(|r| r.stat.to_ascii_uppercase()))
        .unwrap_or_else(|| wire::receipt::stat::UNKNOWN.to_string());
    let err = parsed.as_ref().and_then(|r| r.err.clone()).or_else(|| {
        fields
            .network_error_code
            .as_ref()
            .map(|c| format!("{:03}", c.error_code))
    });
    Some(DeliveryReport {
        smsc: smsc.to_string(),
        message_id: ids.resolve(&raw_id, format),
        stat,
        err,
        at,
    })
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use wire::smpp::rusmpp::values::{ErrorCodeNetworkType, MessageState, NetworkErrorCode};

    use super::*;

    fn fields(text: &str) -> ReceiptFields {
        ReceiptFields {
            esm_class: 0x04,
            intermediate: false,
            receipted_message_id: None,
            message_state: None,
            network_error_code: None,
            text: Bytes::copy_from_slice(text.as_bytes()),
            data_coding: 0,
        }
    }

    #[test]
    fn a_ucs2_receipt_text_is_read_in_its_coding() {
        let ids = RecentIds::new(8);
        let text = "id:42 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:验证码";
        let mut f = fields("");
        f.text = text
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>()
            .into();
        f.data_coding = 0x08;
        let r = report("s", &f, &ids, IdFormat::Decimal, 0).expect("a report");
        assert_eq!((r.message_id.as_str(), r.stat.as_str()), ("42", "DELIVRD"));
    }

    #[test]
    fn text_only_receipt_with_decimal_id_for_a_hex_smsc() {
        let ids = RecentIds::new(8);
        ids.remember("1f4");
        let f = fields(
            "id:0000000500 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:x",
        );
        let r = report("primary", &f, &ids, IdFormat::Hex, 7).unwrap();
        assert_eq!(r.message_id, "1f4");
        assert_eq!(
            (r.stat.as_str(), r.err.as_deref()),
            ("DELIVRD", Some("000"))
        );
        assert!(r.delivered());
        assert_eq!((r.smsc.as_str(), r.at), ("primary", 7));
    }

    #[test]
    fn tlvs_win_over_the_text() {
        let ids = RecentIds::new(8);
        let mut f = fields("id:999 stat:DELIVRD");
        f.receipted_message_id = Some("ABC".into());
        f.message_state = Some(MessageState::Undeliverable);
        f.network_error_code = Some(NetworkErrorCode::new(ErrorCodeNetworkType::Gsm, 11));
        let r = report("s", &f, &ids, IdFormat::Auto, 0).unwrap();
        assert_eq!(r.message_id, "abc");
        assert_eq!(r.stat, "UNDELIV");
        assert_eq!(r.err.as_deref(), Some("011"), "the text has no err:");
    }

    #[test]
    fn network_error_tlv_fills_a_missing_err() {
        let mut f = fields("");
        f.receipted_message_id = Some("42".into());
        f.network_error_code = Some(NetworkErrorCode::new(ErrorCodeNetworkType::Gsm, 11));
        let r = report("s", &f, &RecentIds::new(1), IdFormat::Decimal, 0).unwrap();
        assert_eq!((r.message_id.as_str(), r.stat.as_str()), ("42", "UNKNOWN"));
        assert_eq!(r.err.as_deref(), Some("011"));
    }

    #[test]
    fn receipt_without_any_id_is_dropped() {
        let ids = RecentIds::new(1);
        assert!(report("s", &fields("stat:DELIVRD"), &ids, IdFormat::Auto, 0).is_none());
        assert!(report("s", &fields("\u{1}\u{ff}garbage"), &ids, IdFormat::Auto, 0).is_none());
    }
}
