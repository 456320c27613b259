//! What smspdudecoder must print for each cross-check TPDU, built from
//! the fields we encoded (never from our own decoder), in the shape
//! `smspdudecoder_check.py` prints: names for type of number and
//! numbering plan, digits as semi-octet hex, times as Unix seconds.

use serde_json::{Value, json};
use wire::text::{InformationElement, gsm7};
use wire::tpdu::*;

use super::cases::Case;

fn ton_name(ton: TypeOfNumber) -> &'static str {
    match ton {
        TypeOfNumber::Unknown => "unknown",
        TypeOfNumber::International => "international",
        TypeOfNumber::National => "national",
        TypeOfNumber::NetworkSpecific => "specific",
        TypeOfNumber::Subscriber => "subscriber",
        TypeOfNumber::Alphanumeric => "alphanumeric",
        TypeOfNumber::Abbreviated => "abbreviated",
        TypeOfNumber::Reserved => "extended",
    }
}

fn npi_name(npi: NumberingPlan) -> &'static str {
    match npi {
        NumberingPlan::Unknown => "unknown",
        NumberingPlan::Isdn => "isdn",
        NumberingPlan::Data => "data",
        NumberingPlan::Telex => "telex",
        NumberingPlan::National => "national",
        NumberingPlan::Private => "private",
        NumberingPlan::Ermes => "ermes",
        NumberingPlan::Reserved(5) => "specific1",
        NumberingPlan::Reserved(6) => "specific2",
        NumberingPlan::Reserved(_) => "extended",
    }
}

/// The address as smspdudecoder reports it: digits as the hex of their
/// semi-octets (`*` is A ... `c` is E), length in digits or, for
/// alphanumeric, in semi-octets of the packed text.
fn address(a: &TpAddress) -> Value {
    let (length, number) = if a.is_alphanumeric() {
        let septets = gsm7::septet_count(&a.value).expect("test names are GSM 7-bit");
        ((septets * 7).div_ceil(4), a.value.clone())
    } else {
        let hex = a.value.chars().map(|c| match c {
            '*' => 'A',
            '#' => 'B',
            'a' => 'C',
            'b' => 'D',
            'c' => 'E',
            d => d,
        });
        (a.value.len(), hex.collect())
    };
    json!({"length": length, "ton": ton_name(a.ton), "npi": npi_name(a.npi), "number": number})
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn header(ud: &UserData) -> Value {
    let Some(h) = &ud.header else {
        return Value::Null;
    };
    let concat = |iei: u8, reference: u16, total: u8, seq: u8| {
        json!({"iei": iei, "length": if iei == 0 { 3 } else { 4 },
               "data": {"reference": reference, "parts_count": total, "part_number": seq}})
    };
    let raw =
        |iei: u8, data: Vec<u8>| json!({"iei": iei, "length": data.len(), "data": hex(&data)});
    h.elements
        .iter()
        .map(|e| match e.clone() {
            InformationElement::Concat8 {
                reference,
                total,
                seq,
            } => concat(0, reference.into(), total, seq),
            InformationElement::Concat16 {
                reference,
                total,
                seq,
            } => concat(8, reference, total, seq),
            InformationElement::Port8 {
                destination,
                originator,
            } => raw(4, vec![destination, originator]),
            InformationElement::Port16 {
                destination,
                originator,
            } => raw(
                5,
                [destination.to_be_bytes(), originator.to_be_bytes()].concat(),
            ),
            InformationElement::Other { iei, data } => raw(iei, data),
        })
        .collect()
}

fn body(ud: &UserData) -> Value {
    match &ud.body {
        UserDataBody::Text(t) => json!({"text": t}),
        UserDataBody::Binary(b) => json!({"binary": hex(b)}),
    }
}

fn encoding(dcs: DataCodingScheme) -> &'static str {
    match dcs.alphabet() {
        Alphabet::Gsm7 => "gsm",
        Alphabet::EightBit => "binary",
        Alphabet::Ucs2 => "ucs2",
    }
}

fn epoch(t: &Timestamp) -> i64 {
    t.to_offset_datetime()
        .expect("encoded timestamps are valid")
        .unix_timestamp()
}

/// What smspdudecoder must print for the TPDU `case` encodes to.
pub fn expected(case: &Case) -> (&'static str, Vec<u8>, Value) {
    match case {
        Case::Deliver(d) => (
            "deliver",
            d.encode().expect("test SMS-DELIVER encodes"),
            json!({
                "type": "deliver", "rp": d.reply_path, "udhi": d.user_data.header.is_some(),
                "sri": d.status_report_indication, "mms": !d.more_messages_to_send,
                "sender": address(&d.originating_address), "pid": d.protocol_identifier,
                "encoding": encoding(d.dcs), "scts": epoch(&d.service_centre_timestamp),
                "header": header(&d.user_data), "body": body(&d.user_data),
            }),
        ),
        Case::Submit(s) => {
            let (vpf, vp) = match &s.validity_period {
                None => (0, Value::Null),
                Some(ValidityPeriod::Relative(code)) => (2, json!(code)),
                Some(ValidityPeriod::Enhanced(_)) => (1, json!("enhanced")),
                Some(ValidityPeriod::Absolute(t)) => (3, json!(epoch(t))),
            };
            (
                "submit",
                s.encode().expect("test SMS-SUBMIT encodes"),
                json!({
                    "type": "submit", "rp": s.reply_path, "udhi": s.user_data.header.is_some(),
                    "srr": s.status_report_request, "vpf": vpf, "rd": s.reject_duplicates,
                    "message_ref": s.message_reference, "recipient": address(&s.destination_address),
                    "pid": s.protocol_identifier, "encoding": encoding(s.dcs), "vp": vp,
                    "header": header(&s.user_data), "body": body(&s.user_data),
                }),
            )
        }
    }
}
