//! Golden SMS-STATUS-REPORT and SMS-DELIVER-REPORT vectors: published ones
//! where they exist, otherwise written octet by octet from the TS 23.040
//! layout (§9.2.2.1a, §9.2.2.3) and labelled so.

use super::{hex, ts};
use crate::tpdu::*;

fn report(h: &str) -> SmsStatusReport {
    let bytes = hex(h);
    let r = SmsStatusReport::decode(&bytes).expect("golden SMS-STATUS-REPORT decodes");
    assert_eq!(r.encode().unwrap(), bytes, "re-encodes to the same octets");
    assert_eq!(decode_mt(&bytes).unwrap(), MtTpdu::StatusReport(r.clone()));
    r
}

fn deliver_report(h: &str) -> SmsDeliverReport {
    let bytes = hex(h);
    let r = SmsDeliverReport::decode(&bytes).expect("golden SMS-DELIVER-REPORT decodes");
    assert_eq!(r.encode().unwrap(), bytes, "re-encodes to the same octets");
    assert_eq!(decode_mo(&bytes).unwrap(), MoTpdu::DeliverReport(r.clone()));
    r
}

/// "Receiving SMS status report message" (amro.blogspot.com, 2007): a
/// `+CDS:` report, first octet 06 (TP-MMS set), TP-ST 00 "received".
#[test]
fn amro_status_report_received() {
    let r = report("06 00 0B910221815716F2 70902151012180 70902151017180 00");
    assert!(!r.more_messages_to_send && !r.status_report_qualifier);
    assert_eq!(r.message_reference, 0);
    assert_eq!(r.recipient_address, TpAddress::international("20121875612"));
    assert_eq!(
        r.service_centre_timestamp,
        ts((2007, 9, 12), (15, 10, 12), 8)
    );
    assert_eq!(r.discharge_time, ts((2007, 9, 12), (15, 10, 17), 8));
    assert_eq!(r.status, TpStatus::RECEIVED);
    assert!(r.status.is_success() && r.status.is_final());
    assert_eq!(
        (r.protocol_identifier, r.dcs, r.user_data),
        (None, None, None)
    );
}

/// ModemManager `test_pdu_not_stored`: TP-MR 0x5A, a national-format
/// recipient, TP-ST 0x30 (temporary error, SC still trying, SC specific).
#[test]
fn modemmanager_status_report_temporary() {
    let r = report("06 5A 098136397339F7 21901170046380 21901170046380 30");
    assert_eq!(r.message_reference, 0x5A);
    assert_eq!(r.recipient_address.ton, TypeOfNumber::Unknown);
    assert_eq!(r.recipient_address.value, "639337937");
    assert_eq!(
        r.service_centre_timestamp,
        ts((2012, 9, 11), (7, 40, 36), 8)
    );
    assert_eq!(r.status, TpStatus(0x30));
    assert!(!r.status.is_final() && !r.status.is_success());
    assert!(r.status.is_temporary_error());
}

/// Written from §9.2.2.3: first octet 02 (TP-MMS clear), TP-ST 0x46
/// "validity period expired", TP-PI 06 (TP-DCS and TP-UDL present), TP-DCS
/// 00, TP-UDL 2, "Hi" packed (`C8 34`).
#[test]
fn spec_status_report_with_optional_user_data() {
    let r = report("02 07 0B915121551532F4 24010131000080 24010201000080 46 06 00 02 C834");
    assert!(r.more_messages_to_send);
    assert_eq!(r.message_reference, 7);
    assert_eq!(r.discharge_time, ts((2042, 10, 20), (10, 0, 0), 8));
    assert_eq!(r.status, TpStatus::VALIDITY_PERIOD_EXPIRED);
    assert!(r.status.is_final() && !r.status.is_success());
    assert_eq!(r.protocol_identifier, None);
    assert_eq!(r.dcs, Some(DataCodingScheme::GSM7));
    assert_eq!(r.user_data, Some(UserData::text("Hi")));
}

/// Written from §9.2.2.1a: the RP-ACK form is first octet 00 and TP-PI 00;
/// the RP-ERROR form puts TP-FCS (D3, memory capacity exceeded) between.
#[test]
fn spec_deliver_reports() {
    assert_eq!(deliver_report("00 00"), SmsDeliverReport::ack());
    let full = deliver_report("00 D3 00");
    assert_eq!(
        full,
        SmsDeliverReport::error(FailureCause::MEMORY_CAPACITY_EXCEEDED)
    );
    assert!(full.failure_cause.unwrap().is_memory_full());
    assert_eq!(
        SmsDeliverReport::decode_error(&hex("00 D3 00")).unwrap(),
        full
    );

    // TP-PI 07: TP-PID 00, TP-DCS 00, TP-UDL 2 and "Hi"; TP-FCS D2 "error in MS".
    let r = deliver_report("00 D2 07 00 00 02 C834");
    assert_eq!(r.failure_cause, Some(FailureCause::ERROR_IN_MS));
    assert_eq!(r.protocol_identifier, Some(0));
    assert_eq!(r.dcs, Some(DataCodingScheme::GSM7));
    assert_eq!(r.user_data, Some(UserData::text("Hi")));

    // With a header: TP-UDHI (0x40), TP-PI 06, 8-bit data, a 16-bit port header.
    let r = deliver_report("40 06 04 08 06 05040B8423F0 AB");
    assert_eq!(r.failure_cause, None);
    let ud = r.user_data.unwrap();
    assert_eq!(
        ud.header.unwrap().elements,
        [InformationElement::Port16 {
            destination: 0x0B84,
            originator: 0x23F0
        }]
    );
    assert_eq!(ud.body, UserDataBody::Binary(vec![0xAB]));
}
