//! Round trips: every TPDU type encodes and decodes back to itself, through
//! its own decoder and through the direction's dispatcher.

use proptest::prelude::*;

use super::strategies::*;
use super::strategies_tpdu::*;
use crate::text::{Concatenation, segment_count, smallest_encoding};
use crate::tpdu::*;

proptest! {
    #[test]
    fn deliver_round_trips(d in deliver()) {
        let bytes = d.encode().unwrap();
        prop_assert_eq!(SmsDeliver::decode(&bytes).unwrap(), d.clone());
        prop_assert_eq!(decode_mt(&bytes).unwrap(), MtTpdu::Deliver(d));
    }

    #[test]
    fn submit_round_trips(s in submit()) {
        let bytes = s.encode().unwrap();
        prop_assert_eq!(SmsSubmit::decode(&bytes).unwrap(), s.clone());
        prop_assert_eq!(decode_mo(&bytes).unwrap(), MoTpdu::Submit(s));
    }

    #[test]
    fn status_report_round_trips(r in status_report()) {
        let bytes = r.encode().unwrap();
        prop_assert_eq!(SmsStatusReport::decode(&bytes).unwrap(), r.clone());
        prop_assert_eq!(decode_mt(&bytes).unwrap(), MtTpdu::StatusReport(r));
    }

    /// Defined TP-FCS values (bit 7 set) and the RP-ACK form go through the
    /// dispatcher; any cause goes through the explicit RP-ERROR decoder.
    #[test]
    fn deliver_report_round_trips(
        r in deliver_report(prop::option::of(0x80u8..=0xFF)),
        any_cause in deliver_report(any::<u8>().prop_map(Some)),
    ) {
        let bytes = r.encode().unwrap();
        prop_assert_eq!(SmsDeliverReport::decode(&bytes).unwrap(), r.clone());
        prop_assert_eq!(decode_mo(&bytes).unwrap(), MoTpdu::DeliverReport(r));
        let bytes = any_cause.encode().unwrap();
        prop_assert_eq!(SmsDeliverReport::decode_error(&bytes).unwrap(), any_cause);
    }

    #[test]
    fn timestamp_survives_time_conversion(t in timestamp()) {
        let dt = t.to_offset_datetime().unwrap();
        prop_assert_eq!(Timestamp::from_offset_datetime(dt).unwrap(), t);
    }

    #[test]
    fn relative_validity_is_monotonic(code in 0u8..255) {
        prop_assert!(relative_duration(code) < relative_duration(code + 1));
        prop_assert_eq!(ValidityPeriod::relative(relative_duration(code)), ValidityPeriod::Relative(code));
    }

    /// Every part of a split text is a valid SMS-DELIVER, the parts are
    /// numbered 1..=n under one reference, and together they are the text.
    #[test]
    fn text_parts_deliver_the_whole_text(
        text in prop_oneof![gsm_text(500), any_text(300)],
        reference: u8,
        template in deliver(),
    ) {
        let (dcs, parts) = text_user_data(&text, reference, None);
        let expected = segment_count(&text, smallest_encoding(&text), Concatenation::Udh8(reference)).unwrap();
        prop_assert_eq!(parts.len(), expected);
        let mut joined = String::new();
        for (i, ud) in parts.iter().enumerate() {
            let deliver = SmsDeliver { dcs, user_data: ud.clone(), ..template.clone() };
            let back = SmsDeliver::decode(&deliver.encode().unwrap()).unwrap();
            prop_assert_eq!(&back.user_data, ud);
            match (parts.len(), ud.header.as_ref().and_then(UserDataHeader::concatenation)) {
                (1, None) => {}
                (n, Some(c)) => {
                    prop_assert_eq!((c.reference, usize::from(c.total), usize::from(c.seq)), (u16::from(reference), n, i + 1));
                }
                (n, c) => prop_assert!(false, "{} parts, concatenation {:?}", n, c),
            }
            joined.push_str(ud.as_text().unwrap());
        }
        prop_assert_eq!(joined, text);
    }
}
