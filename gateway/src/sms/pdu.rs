//! From a text to the submit_sm PDUs that carry it.
//!
//! The text is encoded GSM 7-bit when every character fits (escapes
//! included), otherwise UCS-2 ([`wire::text::smallest_encoding`]); a text
//! longer than one short message is split with an 8-bit concatenation UDH
//! whose reference is the same for all parts of one message. Every part asks
//! for a delivery receipt (registered_delivery = 1). [`status_name`] spells
//! a command_status as the SMPP spec does, for `SendError::Rejected`.

use wire::{
    msisdn::Msisdn,
    smpp::{
        esm,
        rusmpp::{
            CommandStatus,
            pdus::SubmitSm,
            types::{COctetString, EmptyOrFullCOctetString, OctetString},
            values::{DataCoding, Npi, RegisteredDelivery, Ton},
        },
    },
    text::{self, Concatenation},
};

/// Receipt requested for the final outcome, success or failure.
const REGISTERED_DELIVERY: u8 = 0x01;

/// The source address fields of an SMSC's submits.
#[derive(Debug, Clone)]
pub struct Source {
    pub addr: String,
    pub ton: u8,
    pub npi: u8,
}

/// The encoded parts of one message, ready to address.
#[derive(Debug, Clone)]
pub struct Parts {
    pub data_coding: u8,
    /// (esm_class, short_message) per part.
    pub parts: Vec<(u8, Vec<u8>)>,
    /// validity_period of every part; empty leaves it to the SMSC.
    pub validity_period: String,
    /// A sender other than the SMSC's configured `source_addr` (a service
    /// number the handset can reply to); `None` keeps the configured one.
    pub source: Option<Source>,
}

/// Encodes and segments `message`; `reference` is its concatenation reference.
pub fn encode(message: &str, reference: u8) -> Result<Parts, String> {
    if message.is_empty() {
        return Err("empty message".into());
    }
    let encoding = text::smallest_encoding(message);
    let segments = text::segment_text(message, encoding, Concatenation::Udh8(reference))
        .map_err(|e| e.to_string())?;
    Ok(Parts {
        data_coding: encoding.data_coding(),
        parts: segments
            .into_iter()
            .map(|s| (s.esm_class(esm::DEFAULT), s.data))
            .collect(),
        validity_period: String::new(),
        source: None,
    })
}

/// A numeric sender (a service number) as source address fields: national
/// short codes (up to 8 digits) as TON unknown, longer numbers international.
pub fn numeric_source(digits: &str) -> Result<Source, String> {
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("sender {digits:?} is not 1-20 digits"));
    }
    let (ton, npi) = if digits.len() <= 8 { (0, 1) } else { (1, 1) };
    Ok(Source {
        addr: digits.to_string(),
        ton,
        npi,
    })
}

/// Sets how long the SMSC may keep trying to deliver the message: a code
/// that has expired must not reach the phone as if it were still good.
pub fn expire_after(parts: &mut Parts, period: std::time::Duration) -> Result<(), String> {
    parts.validity_period =
        wire::smpp::time::format_smpp_relative(period).map_err(|e| e.to_string())?;
    Ok(())
}

/// One submit_sm for one part, to an international number.
pub fn submit_sm(
    source: &Source,
    to: &Msisdn,
    parts: &Parts,
    (esm_class, data): &(u8, Vec<u8>),
) -> Result<SubmitSm, String> {
    let source = parts.source.as_ref().unwrap_or(source);
    let addr = |v: &str| {
        COctetString::<1, 21>::from_string(v.to_string())
            .map_err(|_| format!("address {v:?} does not fit SMPP"))
    };
    let short_message = OctetString::<0, 255>::from_slice(data)
        .map_err(|_| "a part exceeds 255 octets".to_string())?;
    Ok(SubmitSm::builder()
        .source_addr_ton(Ton::from(source.ton))
        .source_addr_npi(Npi::from(source.npi))
        .source_addr(addr(&source.addr)?)
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(addr(to.as_str())?)
        // Built from the byte: rusmpp's EsmClass::default() is 0x08, not 0.
        .esm_class(esm::esm_class(*esm_class))
        .registered_delivery(RegisteredDelivery::from(REGISTERED_DELIVERY))
        .validity_period(
            EmptyOrFullCOctetString::from_string(parts.validity_period.clone())
                .map_err(|_| format!("validity_period {:?}", parts.validity_period))?,
        )
        .data_coding(DataCoding::from(parts.data_coding))
        .short_message(short_message)
        .build())
}

/// `ESME_RSUBMITFAIL` for `EsmeRsubmitfail`, `ESME_RX_T_APPN` for
/// `EsmeRxTAppn`, `0x00000400` for a vendor status.
pub fn status_name(status: CommandStatus) -> String {
    let debug = format!("{status:?}");
    match debug.strip_prefix("Esme") {
        Some(rest) if !rest.contains('(') => {
            let mut name = String::from("ESME_");
            for (i, c) in rest.chars().enumerate() {
                if i > 0 && c.is_ascii_uppercase() {
                    name.push('_');
                }
                name.push(c.to_ascii_uppercase());
            }
            name
        }
        _ => format!("0x{:08X}", u32::from(status)),
    }
}

/// Statuses after which another SMSC may well accept the same message.
pub fn is_transient(status: CommandStatus) -> bool {
    matches!(
        status,
        CommandStatus::EsmeRsyserr
            | CommandStatus::EsmeRmsgqful
            | CommandStatus::EsmeRthrottled
            | CommandStatus::EsmeRinvbndsts
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::text::UserDataHeader;

    fn to() -> Msisdn {
        "447700900123".parse().unwrap()
    }

    #[test]
    fn short_gsm_text_is_one_part_without_udh() {
        let p = encode("ACME: code 483920 to pay CNY 128.00.", 7).unwrap();
        assert_eq!(p.data_coding, 0x00);
        assert_eq!(p.parts.len(), 1);
        assert_eq!(p.parts[0].0, 0x00);
        assert_eq!(p.parts[0].1, b"ACME: code 483920 to pay CNY 128.00.");
    }

    #[test]
    fn long_ucs2_text_is_concatenated_with_one_reference() {
        let p = encode(&"验证码".repeat(30), 42).unwrap();
        assert_eq!(p.data_coding, 0x08);
        assert_eq!(p.parts.len(), 2);
        for (i, (esm_class, data)) in p.parts.iter().enumerate() {
            assert_eq!(*esm_class, esm::UDHI);
            let (udh, rest) = UserDataHeader::parse(data).unwrap();
            let c = udh.concatenation().expect("a concatenation element");
            assert_eq!((c.reference, c.total, usize::from(c.seq)), (42, 2, i + 1));
            assert!(rest.len() <= 134);
        }
    }

    #[test]
    fn submit_sm_asks_for_a_receipt_and_keeps_esm_class() {
        let source = Source {
            addr: "ACME".into(),
            ton: 5,
            npi: 0,
        };
        let parts = Parts {
            data_coding: 0x08,
            parts: vec![(0x40, vec![0, 1])],
            validity_period: String::new(),
            source: None,
        };
        let sm = submit_sm(&source, &to(), &parts, &parts.parts[0]).unwrap();
        assert!(sm.validity_period.to_string().is_empty(), "SMSC default");
        assert_eq!(u8::from(sm.esm_class), 0x40);
        assert_eq!(u8::from(sm.registered_delivery), 1);
        assert_eq!(u8::from(sm.data_coding), 0x08);
        assert_eq!(sm.destination_addr.to_string(), "447700900123");
        assert_eq!(sm.source_addr.to_string(), "ACME");
        assert!(encode("", 0).is_err());
    }

    #[test]
    fn a_service_number_overrides_the_sender() {
        let configured = Source {
            addr: "ACME".into(),
            ton: 5,
            npi: 0,
        };
        let mut parts = encode("reply YES", 1).unwrap();
        parts.source = Some(numeric_source("7000").unwrap());
        let sm = submit_sm(&configured, &to(), &parts, &parts.parts[0]).unwrap();
        assert_eq!(sm.source_addr.to_string(), "7000");
        assert_eq!(u8::from(sm.source_addr_ton), 0);
        let long = numeric_source("447700900999").unwrap();
        assert_eq!((long.ton, long.npi), (1, 1));
        assert!(numeric_source("70a0").is_err());
        assert!(numeric_source("").is_err());
    }

    #[test]
    fn status_names_follow_the_spec() {
        assert_eq!(
            status_name(CommandStatus::EsmeRsubmitfail),
            "ESME_RSUBMITFAIL"
        );
        assert_eq!(status_name(CommandStatus::EsmeRxTAppn), "ESME_RX_T_APPN");
        assert_eq!(status_name(CommandStatus::Other(0x400)), "0x00000400");
        assert!(is_transient(CommandStatus::EsmeRsyserr));
        assert!(!is_transient(CommandStatus::EsmeRinvdstadr));
    }

    #[test]
    fn an_expiring_message_carries_a_relative_validity_period() {
        let source = Source {
            addr: "ACME".into(),
            ton: 5,
            npi: 0,
        };
        let mut parts = encode("code 483920", 1).unwrap();
        expire_after(&mut parts, std::time::Duration::from_secs(300)).unwrap();
        let sm = submit_sm(&source, &to(), &parts, &parts.parts[0]).unwrap();
        assert_eq!(sm.validity_period.to_string(), "000000000500000R");
    }
}
