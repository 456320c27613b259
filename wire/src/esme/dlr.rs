//! Recognising delivery receipts and reading their TLVs.
//!
//! A deliver_sm (or data_sm) is a receipt when its esm_class message type is
//! "MC delivery receipt" (0x04) or "intermediate delivery notification" (0x20),
//! or when it carries a receipted_message_id TLV (some SMSCs set only that).
//! [`ReceiptFields`] gives the TLVs SMPP 3.4 defines for receipts and the raw
//! receipt text (short_message, or message_payload); parsing that text is the
//! job of the receipt-text module, not of the session.

use bytes::Bytes;
use rusmpp::{
    pdus::{DataSm, DeliverSm},
    tlvs::{Tlv, TlvValue},
    values::{MessageState, NetworkErrorCode},
};

use crate::smpp::esm;

/// The receipt-related content of a deliver_sm or data_sm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFields {
    /// The esm_class byte as received.
    pub esm_class: u8,
    /// esm_class says "intermediate delivery notification" (not final).
    pub intermediate: bool,
    pub receipted_message_id: Option<String>,
    pub message_state: Option<MessageState>,
    pub network_error_code: Option<NetworkErrorCode>,
    /// The receipt text bytes (`id:… stat:… err:…`), undecoded.
    pub text: Bytes,
    /// data_coding of the carrying PDU: some SMSCs send the receipt text
    /// in UCS-2 when the original message was.
    pub data_coding: u8,
}

/// True when esm_class or the TLVs mark a message as a delivery receipt.
pub fn is_receipt(esm_class: u8, tlvs: &[Tlv]) -> bool {
    matches!(
        esm::message_type(esm_class),
        esm::MC_DELIVERY_RECEIPT | esm::INTERMEDIATE_NOTIFICATION
    ) || tlvs
        .iter()
        .any(|t| matches!(t.value(), Some(TlvValue::ReceiptedMessageId(_))))
}

impl ReceiptFields {
    pub fn from_deliver_sm(sm: &DeliverSm) -> Option<Self> {
        let text = Bytes::copy_from_slice(sm.short_message().as_ref());
        Self::from_parts(
            u8::from(sm.esm_class),
            sm.tlvs(),
            text,
            u8::from(sm.data_coding),
        )
    }

    pub fn from_data_sm(sm: &DataSm) -> Option<Self> {
        Self::from_parts(
            u8::from(sm.esm_class),
            sm.tlvs(),
            Bytes::new(),
            u8::from(sm.data_coding),
        )
    }

    fn from_parts(esm_class: u8, tlvs: &[Tlv], mut text: Bytes, data_coding: u8) -> Option<Self> {
        if !is_receipt(esm_class, tlvs) {
            return None;
        }
        let mut fields = ReceiptFields {
            esm_class,
            intermediate: esm::message_type(esm_class) == esm::INTERMEDIATE_NOTIFICATION,
            receipted_message_id: None,
            message_state: None,
            network_error_code: None,
            text: Bytes::new(),
            data_coding,
        };
        for tlv in tlvs {
            match tlv.value() {
                Some(TlvValue::ReceiptedMessageId(id)) => {
                    fields.receipted_message_id = Some(id.to_string())
                }
                Some(TlvValue::MessageState(state)) => fields.message_state = Some(*state),
                Some(TlvValue::NetworkErrorCode(code)) => {
                    fields.network_error_code = Some(code.clone())
                }
                // message_payload replaces short_message when present (SMPP 3.4 §5.3.2.32).
                Some(TlvValue::MessagePayload(p)) if text.is_empty() => {
                    text = Bytes::copy_from_slice(p.value.as_ref())
                }
                _ => {}
            }
        }
        fields.text = text;
        Some(fields)
    }
}

#[cfg(test)]
mod tests {
    use rusmpp::{
        tlvs::MessageDeliveryRequestTlvValue as V,
        types::{COctetString, OctetString},
        values::{ErrorCodeNetworkType, MessagePayload},
    };

    use super::*;

    fn deliver(esm_class: u8, text: &[u8], tlvs: Vec<V>) -> DeliverSm {
        DeliverSm::builder()
            .esm_class(esm::esm_class(esm_class))
            .short_message(OctetString::from_slice(text).unwrap())
            .tlvs(tlvs)
            .build()
    }

    #[test]
    fn receipt_by_esm_class_with_tlvs() {
        let sm = deliver(
            esm::MC_DELIVERY_RECEIPT,
            b"id:42 stat:DELIVRD",
            vec![
                V::ReceiptedMessageId(COctetString::from_string("42".into()).unwrap()),
                V::MessageState(MessageState::Delivered),
                V::NetworkErrorCode(NetworkErrorCode::new(ErrorCodeNetworkType::Gsm, 0x0001)),
            ],
        );
        let r = ReceiptFields::from_deliver_sm(&sm).expect("a receipt");
        assert_eq!(r.receipted_message_id.as_deref(), Some("42"));
        assert_eq!(r.message_state, Some(MessageState::Delivered));
        assert_eq!(r.network_error_code.map(|c| c.error_code), Some(1));
        assert_eq!(&r.text[..], b"id:42 stat:DELIVRD");
        assert!(!r.intermediate);
    }

    #[test]
    fn receipt_by_tlv_alone_and_intermediate_flag() {
        let tlv = V::ReceiptedMessageId(COctetString::from_string("7".into()).unwrap());
        assert!(ReceiptFields::from_deliver_sm(&deliver(0x00, b"", vec![tlv])).is_some());
        let r =
            ReceiptFields::from_deliver_sm(&deliver(esm::INTERMEDIATE_NOTIFICATION, b"x", vec![]))
                .unwrap();
        assert!(r.intermediate);
        assert_eq!(r.receipted_message_id, None);
    }

    #[test]
    fn mo_message_is_not_a_receipt() {
        assert!(ReceiptFields::from_deliver_sm(&deliver(0x00, b"hello", vec![])).is_none());
        assert!(ReceiptFields::from_deliver_sm(&deliver(esm::UDHI, b"hello", vec![])).is_none());
    }

    #[test]
    fn payload_text_used_when_short_message_empty() {
        let payload = MessagePayload::new(rusmpp::types::AnyOctetString::from_slice(
            b"id:9 stat:EXPIRED",
        ));
        let sm = deliver(
            esm::MC_DELIVERY_RECEIPT,
            b"",
            vec![V::MessagePayload(payload)],
        );
        assert_eq!(
            &ReceiptFields::from_deliver_sm(&sm).unwrap().text[..],
            b"id:9 stat:EXPIRED"
        );
    }
}
