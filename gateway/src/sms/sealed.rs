//! The SMS that carries a sealed code to a dedicated terminal (issue 8
//! part 3): one 8-bit data message (data_coding 0x04) whose user data is a
//! 16-bit application port addressing header (IEI 0x05, destination and
//! originator port [`wire::sealed::CODE_PORT`]) followed by the sealed
//! message, so esm_class has UDHI (0x40). The sealed message always fits one
//! part ([`wire::sealed::MAX_SEALED_LEN`]); nothing is concatenated.

use wire::sealed::{CODE_PORT, MAX_SEALED_LEN};
use wire::smpp::esm;
use wire::text::{InformationElement, UserDataHeader};

use super::pdu::Parts;

/// data_coding for 8-bit data (SMPP 3.4 §5.2.19: "8-bit binary").
pub const DATA_CODING_8BIT: u8 = 0x04;

/// The single-part [`Parts`] for `sealed` (see the module docs).
pub fn sealed_parts(sealed: &[u8]) -> Result<Parts, String> {
    if sealed.is_empty() || sealed.len() > MAX_SEALED_LEN {
        return Err(format!(
            "a sealed message is 1 to {MAX_SEALED_LEN} octets, not {}",
            sealed.len()
        ));
    }
    let udh = UserDataHeader {
        elements: vec![InformationElement::Port16 {
            destination: CODE_PORT,
            originator: CODE_PORT,
        }],
    }
    .encode()
    .map_err(|e| e.to_string())?;
    Ok(Parts {
        data_coding: DATA_CODING_8BIT,
        parts: vec![(esm::UDHI, [udh.as_slice(), sealed].concat())],
        validity_period: String::new(),
        source: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::sealed::{CodeMessage, TerminalKey};

    #[test]
    fn one_8bit_part_with_the_port_header_and_no_clear_code() {
        let key = TerminalKey::from_bytes([4; 32]);
        let to = "447700900104".parse().expect("msisdn");
        let message = CodeMessage {
            code: "715264".into(),
            amount: "GBP 12.50".into(),
            payee: "A merchant with a rather long trading name, Ltd. ".repeat(3),
            expires_at: 1_795_000_000,
        };
        let plain = message.encode().expect("encodes");
        let sealed = wire::sealed::seal(&key, &to, &plain).expect("seals");
        let parts = sealed_parts(&sealed).expect("parts");
        assert_eq!(parts.data_coding, 0x04);
        assert_eq!(parts.parts.len(), 1);
        let (esm_class, data) = &parts.parts[0];
        assert_eq!(*esm_class, 0x40);
        assert!(data.len() <= 140, "one SMS: {} octets", data.len());
        assert_eq!(data[..7], [0x06, 0x05, 0x04, 0x23, 0xF0, 0x23, 0xF0]);
        let (udh, body) = UserDataHeader::parse(data).expect("udh");
        assert!(udh.concatenation().is_none());
        assert_eq!(body, sealed.as_slice());
        assert!(!data.windows(6).any(|w| w == b"715264"));
        let opened = wire::sealed::open(&key, &to, body).expect("opens");
        let opened = CodeMessage::decode(&opened).expect("decodes");
        assert_eq!(opened.code, message.code);
        assert!(
            message.payee.starts_with(&opened.payee),
            "payee shortened to fit"
        );
        assert!(sealed_parts(&[]).is_err());
        assert!(sealed_parts(&[0; MAX_SEALED_LEN + 1]).is_err());
    }
}
