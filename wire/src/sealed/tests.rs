use proptest::prelude::*;

use super::*;

fn key(byte: u8) -> TerminalKey {
    TerminalKey::from_bytes([byte; KEY_LEN])
}

fn to(n: &str) -> Msisdn {
    n.parse().expect("a valid MSISDN")
}

fn message() -> CodeMessage {
    CodeMessage {
        code: "483920".into(),
        amount: "GBP 12.50".into(),
        payee: "Acme Books".into(),
        expires_at: 1_795_000_000,
    }
}

#[test]
fn round_trip_of_a_code_message() {
    let k = key(7);
    let plain = message().encode().unwrap();
    let sealed = seal(&k, &to("447700900104"), &plain).unwrap();
    assert_eq!(sealed.len(), OVERHEAD + plain.len());
    assert!(sealed.len() <= MAX_SEALED_LEN);
    assert_eq!(sealed[0], VERSION);
    assert_eq!(sealed[1..5], k.key_id());
    let opened = open(&k, &to("447700900104"), &sealed).unwrap();
    assert_eq!(CodeMessage::decode(&opened).unwrap(), message());
    assert!(
        !sealed.windows(6).any(|w| w == b"483920"),
        "the code is not in the sealed bytes"
    );
}

#[test]
fn each_seal_draws_a_new_nonce() {
    let k = key(1);
    let a = seal(&k, &to("447700900104"), b"same").unwrap();
    let b = seal(&k, &to("447700900104"), b"same").unwrap();
    assert_ne!(a, b);
}

#[test]
fn typed_errors_for_each_failure() {
    let k = key(7);
    let r = to("447700900104");
    let sealed = seal(&k, &r, b"C1").unwrap();
    assert_eq!(
        open(&key(8), &r, &sealed),
        Err(OpenError::WrongKey {
            message_key_id: k.key_id()
        })
    );
    assert_eq!(
        open(&k, &to("447700900105"), &sealed),
        Err(OpenError::Tampered)
    );
    assert_eq!(
        open(&k, &r, &sealed[..OVERHEAD - 1]),
        Err(OpenError::Truncated { len: OVERHEAD - 1 })
    );
    assert_eq!(open(&k, &r, &[]), Err(OpenError::Truncated { len: 0 }));
    let mut v2 = sealed.clone();
    v2[0] = 2;
    assert_eq!(open(&k, &r, &v2), Err(OpenError::UnknownVersion(2)));
    let too_long = vec![b'x'; MAX_PLAINTEXT_LEN + 1];
    assert_eq!(
        seal(&k, &r, &too_long),
        Err(SealError::TooLong {
            len: MAX_PLAINTEXT_LEN + 1
        })
    );
    assert!(seal(&k, &r, &too_long[1..]).unwrap().len() == MAX_SEALED_LEN);
}

#[test]
fn keys_parse_strictly_and_never_print() {
    let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1F";
    let k: TerminalKey = hex.parse().unwrap();
    assert_eq!(k.as_bytes()[31], 0x1f);
    assert_eq!(k.to_hex(), hex.to_lowercase());
    assert!(!format!("{k:?}").contains("0a0b"));
    assert_eq!(
        "00".parse::<TerminalKey>(),
        Err(KeyParseError::Length { found: 2 })
    );
    let spaced = format!(" {}", &hex[1..]);
    assert_eq!(
        spaced.parse::<TerminalKey>(),
        Err(KeyParseError::NotHex { position: 1 })
    );
    let prefixed = format!("0x{}", &hex[2..]);
    assert_eq!(
        prefixed.parse::<TerminalKey>(),
        Err(KeyParseError::NotHex { position: 2 })
    );
    let unicode = format!("é{}", &hex[2..]);
    assert!(matches!(
        unicode.parse::<TerminalKey>(),
        Err(KeyParseError::Length { .. })
    ));
    assert_ne!(TerminalKey::generate(), TerminalKey::generate());
    assert_ne!(key(1).key_id(), key(2).key_id());
}

#[test]
fn plaintext_is_strict_and_shortens_only_the_payee() {
    let long = CodeMessage {
        payee: "Ünïcode Émporium ".repeat(10),
        ..message()
    };
    let bytes = long.encode().unwrap();
    assert!(bytes.len() <= MAX_PLAINTEXT_LEN);
    let back = CodeMessage::decode(&bytes).unwrap();
    assert_eq!(back.code, "483920");
    assert!(long.payee.starts_with(&back.payee));
    for bad in [
        CodeMessage {
            code: "12a456".into(),
            ..message()
        },
        CodeMessage {
            code: "123".into(),
            ..message()
        },
        CodeMessage {
            amount: "GBP\n1".into(),
            ..message()
        },
        CodeMessage {
            payee: "  ".into(),
            ..message()
        },
    ] {
        assert!(bad.encode().is_err());
    }
    assert!(CodeMessage::decode(b"C2\n483920\nGBP 1\n0\nX").is_err());
    assert!(CodeMessage::decode(b"C1\n483920\nGBP 1\nsoon\nX").is_err());
    assert!(CodeMessage::decode(b"C1\n483920\nGBP 1").is_err());
    assert!(CodeMessage::decode(&[0xff, 0xfe]).is_err());
    let shown = message().screen_text();
    assert!(shown.starts_with("Acme Books: code 483920 to pay GBP 12.50. Valid until "));
    assert!(!format!("{:?}", message()).contains("483920"));
}

proptest! {
    #[test]
    fn any_plaintext_round_trips(
        k in any::<[u8; 32]>(),
        nonce in any::<[u8; 24]>(),
        plain in proptest::collection::vec(any::<u8>(), 0..=MAX_PLAINTEXT_LEN),
    ) {
        let k = TerminalKey::from_bytes(k);
        let sealed = seal_with_nonce(&k, &to("447700900104"), nonce, &plain).unwrap();
        prop_assert!(sealed.len() <= MAX_SEALED_LEN);
        prop_assert_eq!(open(&k, &to("447700900104"), &sealed).unwrap(), plain);
    }

    #[test]
    fn any_flipped_bit_fails(
        plain in proptest::collection::vec(any::<u8>(), 0..=MAX_PLAINTEXT_LEN),
        bit in any::<prop::sample::Index>(),
    ) {
        let k = key(9);
        let mut sealed = seal(&k, &to("447700900104"), &plain).unwrap();
        let i = bit.index(sealed.len() * 8);
        sealed[i / 8] ^= 1 << (i % 8);
        prop_assert!(open(&k, &to("447700900104"), &sealed).is_err());
    }

    #[test]
    fn another_key_or_number_fails(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), n in 0u32..1000) {
        prop_assume!(a != b);
        let (ka, kb) = (TerminalKey::from_bytes(a), TerminalKey::from_bytes(b));
        let sealed = seal(&ka, &to("447700900104"), b"C1\n1234").unwrap();
        prop_assert!(open(&kb, &to("447700900104"), &sealed).is_err());
        let other = to(&format!("44770090{:04}", 1000 + n));
        prop_assert_eq!(open(&ka, &other, &sealed), Err(OpenError::Tampered));
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let _ = CodeMessage::decode(&bytes);
        let _ = open(&key(3), &to("447700900104"), &bytes);
    }
}
