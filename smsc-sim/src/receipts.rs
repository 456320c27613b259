//! Delivery receipts: whether one is due, and the deliver_sm that carries it
//! (receipt text plus receipted_message_id, message_state and
//! network_error_code TLVs; TLVs are stripped for SMPP 3.3 binds at send time).

use std::fmt::Write;

use wire::receipt::{Receipt, ReceiptDate};
use wire::smpp::esm;
use wire::smpp::rusmpp::pdus::DeliverSm;
use wire::smpp::rusmpp::tlvs::MessageDeliveryRequestTlvValue as Tlv;
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{
    DataCoding, ErrorCodeNetworkType, MessageState as PduState, NetworkErrorCode, Npi, Ton,
};

use crate::message::{Message, MessageState};

/// registered_delivery bits 0–1 decide final receipts; bit 4 asks for
/// intermediate notifications (SMPP 3.4 §5.2.17).
pub fn final_receipt_due(registered_delivery: u8, state: MessageState) -> bool {
    match registered_delivery & 0x03 {
        1 => true,
        2 => state != MessageState::Delivered,
        3 => state == MessageState::Delivered,
        _ => false,
    }
}

pub fn intermediate_due(registered_delivery: u8) -> bool {
    registered_delivery & 0x10 != 0
}

/// The receipt text for `m` in `state`.
pub fn receipt_text(m: &Message, state: MessageState, error_code: u16, done_at: i64) -> String {
    let text = wire::text::decode_lossy(m.data_coding, &m.payload);
    let delivered = u32::from(state == MessageState::Delivered);
    let receipt = Receipt {
        id: m.id.clone(),
        sub: Some(1),
        dlvrd: Some(delivered),
        submit_date: ReceiptDate::from_unix_ms(m.submitted_at).ok(),
        done_date: ReceiptDate::from_unix_ms(done_at).ok(),
        stat: state.receipt_word().to_owned(),
        err: Some(error_digits(error_code)),
        // The format keeps the first TEXT_LEN characters itself.
        text: Some(text),
    };
    // Room for the fixed fields, so formatting does not grow the string.
    let mut body = String::with_capacity(96 + m.id.len() + 4 * wire::receipt::TEXT_LEN);
    let _ = write!(body, "{receipt}");
    body
}

/// `err:` as three digits, without the formatting machinery for the usual 0.
fn error_digits(error_code: u16) -> String {
    match error_code {
        0 => "000".to_owned(),
        e => format!("{:03}", e.min(999)),
    }
}

/// A C-octet string field holding `s`, empty when `s` does not fit: one
/// allocation, where `from_string` takes three.
fn c_octets<const MIN: usize, const MAX: usize>(s: &str) -> COctetString<MIN, MAX> {
    let mut buf = [0u8; 65];
    let n = s.len();
    if n >= MAX || n >= buf.len() {
        return COctetString::empty();
    }
    buf[..n].copy_from_slice(s.as_bytes());
    COctetString::from_slice(&buf[..=n]).unwrap_or_else(|_| COctetString::empty())
}

/// A receipt (or, with `intermediate`, an intermediate notification) as deliver_sm.
pub fn receipt_pdu(
    m: &Message,
    state: MessageState,
    error_code: u16,
    done_at: i64,
    intermediate: bool,
) -> DeliverSm {
    let body = receipt_text(m, state, error_code, done_at);
    let esm_class = if intermediate {
        esm::INTERMEDIATE_NOTIFICATION
    } else {
        esm::MC_DELIVERY_RECEIPT
    };
    DeliverSm::builder()
        .source_addr_ton(Ton::from(m.dest.ton))
        .source_addr_npi(Npi::from(m.dest.npi))
        .source_addr(c_octets(&m.dest.addr))
        .dest_addr_ton(Ton::from(m.source.ton))
        .dest_addr_npi(Npi::from(m.source.npi))
        .destination_addr(c_octets(&m.source.addr))
        .esm_class(esm::esm_class(esm_class))
        .data_coding(DataCoding::from(0u8))
        .short_message(
            OctetString::from_slice(body.as_bytes()).unwrap_or_else(|_| OctetString::empty()),
        )
        .tlvs(vec![
            Tlv::ReceiptedMessageId(c_octets(&m.id)),
            Tlv::MessageState(PduState::from(state.as_u8())),
            Tlv::NetworkErrorCode(NetworkErrorCode::new(ErrorCodeNetworkType::Gsm, error_code)),
        ])
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Address;

    fn msg() -> Message {
        Message {
            id: "42".into(),
            account: "a".into(),
            service_type: String::new(),
            source: Address {
                ton: 5,
                npi: 0,
                addr: "MyBank".into(),
            },
            dest: Address {
                ton: 1,
                npi: 1,
                addr: "447700900123".into(),
            },
            esm_class: 0,
            protocol_id: 0,
            priority: 0,
            registered_delivery: 1,
            data_coding: 0,
            payload: b"Your code is 123456 for 10.00 EUR".to_vec(),
            sar: None,
            submitted_at: 1_700_000_000_000,
            deliver_at: None,
            expires_at: 1_700_000_100_000,
            state: MessageState::Enroute,
            done_at: None,
            error_code: 0,
            attempts: 1,
            origin: Default::default(),
            set_dpf: false,
        }
    }

    #[test]
    fn receipt_modes_follow_registered_delivery() {
        use MessageState::*;
        assert!(!final_receipt_due(0, Delivered));
        assert!(final_receipt_due(1, Delivered) && final_receipt_due(1, Expired));
        assert!(!final_receipt_due(2, Delivered) && final_receipt_due(2, Undeliverable));
        assert!(final_receipt_due(3, Delivered) && !final_receipt_due(3, Expired));
        assert!(intermediate_due(0x11) && !intermediate_due(0x01));
    }

    #[test]
    fn receipt_text_parses_back() {
        let m = msg();
        let text = receipt_text(&m, MessageState::Delivered, 0, m.submitted_at + 60_000);
        let r = Receipt::parse(&text).expect("our own receipt parses");
        assert_eq!(r.id, "42");
        assert_eq!(r.stat, "DELIVRD");
        assert_eq!(r.dlvrd, Some(1));
        assert_eq!(r.text.map(|t| t.chars().count()), Some(20));
        let pdu = receipt_pdu(&m, MessageState::Delivered, 0, m.submitted_at, false);
        assert_eq!(u8::from(pdu.esm_class), 0x04);
        assert_eq!(pdu.destination_addr.as_str(), "MyBank");
        assert_eq!(pdu.tlvs().len(), 3);
    }

    #[test]
    fn error_codes_and_fields_that_do_not_fit() {
        let m = msg();
        for (code, err) in [(0, "000"), (5, "005"), (1234, "999")] {
            let text = receipt_text(&m, MessageState::Undeliverable, code, m.submitted_at);
            let r = Receipt::parse(&text).expect("parses");
            assert_eq!(r.err.as_deref(), Some(err), "{text}");
        }
        let mut long = msg();
        long.dest.addr = "1".repeat(21);
        let pdu = receipt_pdu(&long, MessageState::Delivered, 0, long.submitted_at, false);
        // 21 digits do not fit source_addr (20 octets and the NUL): left empty.
        assert_eq!(pdu.source_addr.as_str(), "");
        long.dest.addr.pop();
        let pdu = receipt_pdu(&long, MessageState::Delivered, 0, long.submitted_at, false);
        assert_eq!(pdu.source_addr.as_str(), long.dest.addr);
        let receipted = pdu.tlvs().iter().find_map(|t| match t.value() {
            Some(wire::smpp::rusmpp::tlvs::TlvValue::ReceiptedMessageId(id)) => {
                Some(id.as_str().to_owned())
            }
            _ => None,
        });
        assert_eq!(receipted.as_deref(), Some("42"));
    }
}
