use std::time::{Duration, Instant};

use time::OffsetDateTime;
use wire::air::TerminalKind;
use wire::tpdu::{MessageClass, SmsDeliver, Timestamp, TpAddress, text_user_data};

use super::*;
use crate::config::TerminalConfig;

fn terminal(kind: TerminalKind, capacity: u32) -> Terminal {
    let mut config = TerminalConfig::new(
        "447700900101".parse().expect("msisdn"),
        "234150000000101".parse().expect("imsi"),
        kind,
    );
    config.capacity = capacity;
    Terminal::new(&config, 0, Duration::from_secs(60))
}

fn scts() -> Timestamp {
    Timestamp {
        year: 2025,
        month: 3,
        day: 14,
        hour: 15,
        minute: 9,
        second: 26,
        tz_quarter_hours: 4,
    }
}

/// The SMS-DELIVER parts a switch would send for `text`.
fn parts(text: &str, reference: u8, class: Option<MessageClass>) -> Vec<SmsDeliver> {
    let (dcs, uds) = text_user_data(text, reference, class);
    uds.into_iter()
        .map(|user_data| SmsDeliver {
            more_messages_to_send: false,
            reply_path: false,
            status_report_indication: true,
            originating_address: TpAddress::alphanumeric("ShopPay"),
            protocol_identifier: 0,
            dcs,
            service_centre_timestamp: scts(),
            user_data,
        })
        .collect()
}

fn receive(t: &mut Terminal, d: &SmsDeliver) -> Result<Received, Refused> {
    t.receive(
        d,
        &CodeExtractor::default(),
        Instant::now(),
        OffsetDateTime::UNIX_EPOCH,
    )
}

#[test]
fn a_single_part_message_is_stored_with_its_code() {
    let mut t = terminal(TerminalKind::Phone, 5);
    let d = &parts("Your ShopPay code is 482913 for GBP 12.50", 1, None)[0];
    let Ok(Received::Stored(m)) = receive(&mut t, d) else {
        panic!("stored")
    };
    assert_eq!(
        (m.id, m.from.as_str(), m.code.as_deref()),
        (1, "ShopPay", Some("482913"))
    );
    assert_eq!(m.display, m.text);
    assert_eq!((m.segments, m.class, m.flash), (1, None, false));
    assert!(m.status_report_requested);
    let sent = m.sent_at.expect("valid SCTS");
    assert_eq!((sent.hour(), sent.offset().whole_hours()), (15, 1));
    assert_eq!(t.inbox.len(), 1);
}

#[test]
fn a_long_chinese_text_in_three_parts_arrives_as_one_message_in_any_order() {
    let text = "您的验证码是 837261，用于向咖啡店支付 12.50 元。".repeat(5);
    let ps = parts(&text, 42, None);
    assert_eq!(ps.len(), 3, "UCS-2, 67 characters a part");
    let mut t = terminal(TerminalKind::Phone, 5);
    assert_eq!(
        receive(&mut t, &ps[2]),
        Ok(Received::Partial {
            received: 1,
            total: 3
        })
    );
    assert_eq!(receive(&mut t, &ps[2]), Ok(Received::Duplicate));
    assert_eq!(
        receive(&mut t, &ps[0]),
        Ok(Received::Partial {
            received: 2,
            total: 3
        })
    );
    let Ok(Received::Stored(m)) = receive(&mut t, &ps[1]) else {
        panic!("complete")
    };
    assert_eq!(
        (m.text.as_str(), m.segments, m.code.as_deref()),
        (text.as_str(), 3, Some("837261"))
    );
    assert_eq!(t.inbox.len(), 1);
}

#[test]
fn a_pager_shows_each_part_on_its_own_in_ascii() {
    let text = format!(
        "Your code is 5521. {}",
        "Thanks for shopping with us. ".repeat(8)
    );
    let ps = parts(&text, 7, None);
    assert_eq!(ps.len(), 2);
    let mut t = terminal(TerminalKind::Pager, 5);
    for p in &ps {
        assert!(matches!(receive(&mut t, p), Ok(Received::Stored(_))));
    }
    let shown: Vec<_> = t
        .inbox
        .iter()
        .map(|m| (m.segments, m.display.chars().count()))
        .collect();
    assert_eq!(shown, [(1, 80), (1, 80)]);
    assert_eq!(
        t.inbox
            .iter()
            .next()
            .and_then(|m| m.code.clone())
            .as_deref(),
        Some("5521")
    );
}

#[test]
fn a_chinese_code_is_not_readable_on_a_pager() {
    let mut t = terminal(TerminalKind::Pager, 5);
    let Ok(Received::Stored(m)) = receive(&mut t, &parts("验证码：123456", 1, None)[0]) else {
        panic!("stored")
    };
    assert_eq!((m.display.as_str(), m.code), ("????123456", None));
}

#[test]
fn a_full_inbox_refuses_but_flash_messages_still_show() {
    let mut t = terminal(TerminalKind::Phone, 1);
    assert!(matches!(
        receive(&mut t, &parts("one", 1, None)[0]),
        Ok(Received::Stored(_))
    ));
    assert_eq!(
        receive(&mut t, &parts("two", 2, None)[0]),
        Err(Refused::MemoryFull { capacity: 1 })
    );
    assert!(t.inbox.memory_exceeded());
    let flash = &parts("Code 7788", 3, Some(MessageClass::Class0))[0];
    let Ok(Received::Stored(m)) = receive(&mut t, flash) else {
        panic!("flash shown")
    };
    assert_eq!(
        (m.flash, m.class, m.code.as_deref()),
        (true, Some(0), Some("7788"))
    );
    assert_eq!((t.inbox.len(), t.inbox.stored()), (2, 1));
}

#[test]
fn parts_of_an_expired_message_start_over() {
    let text = "x".repeat(200);
    let ps = parts(&text, 9, None);
    let mut t = terminal(TerminalKind::Phone, 5);
    let start = Instant::now();
    let codes = CodeExtractor::default();
    let at = |d: u64| start + Duration::from_secs(d);
    let epoch = OffsetDateTime::UNIX_EPOCH;
    assert!(matches!(
        t.receive(&ps[0], &codes, at(0), epoch),
        Ok(Received::Partial { .. })
    ));
    assert_eq!(
        t.receive(&ps[1], &codes, at(61), epoch),
        Ok(Received::Partial {
            received: 1,
            total: 2
        }),
        "the first part expired after 60 s"
    );
}

#[test]
fn a_message_the_sc_sends_again_is_acknowledged_but_stored_once() {
    let mut t = terminal(TerminalKind::Phone, 5);
    let d = &parts("Your ShopPay code is 482913 for GBP 12.50", 1, None)[0];
    assert!(matches!(receive(&mut t, d), Ok(Received::Stored(_))));
    assert_eq!(receive(&mut t, d), Ok(Received::Repeated));
    assert_eq!(t.inbox.len(), 1);
    // Another text, or the same text stamped in another second, is new.
    let other = &parts("Your ShopPay code is 111111 for GBP 12.50", 1, None)[0];
    assert!(matches!(receive(&mut t, other), Ok(Received::Stored(_))));
    let mut later = d.clone();
    later.service_centre_timestamp.second += 1;
    assert!(matches!(receive(&mut t, &later), Ok(Received::Stored(_))));
    assert_eq!(t.inbox.len(), 3);
}

/// An 8-bit SMS-DELIVER to the sealed-code port carrying `code` sealed for
/// `to` under `key`, as the gateway sends it.
fn sealed_deliver(key: &wire::sealed::TerminalKey, to: &str, code: &str) -> SmsDeliver {
    use wire::text::{InformationElement, UserDataHeader};
    let plain = wire::sealed::CodeMessage {
        code: code.into(),
        amount: "GBP 12.50".into(),
        payee: "Acme Books".into(),
        expires_at: 1_795_000_000,
    }
    .encode()
    .expect("encodes");
    let sealed = wire::sealed::seal(key, &to.parse().expect("msisdn"), &plain).expect("seals");
    SmsDeliver {
        more_messages_to_send: false,
        reply_path: false,
        status_report_indication: true,
        originating_address: TpAddress::alphanumeric("ShopPay"),
        protocol_identifier: 0,
        dcs: wire::tpdu::DataCodingScheme(0x04),
        service_centre_timestamp: scts(),
        user_data: wire::tpdu::UserData {
            header: Some(UserDataHeader {
                elements: vec![InformationElement::Port16 {
                    destination: wire::sealed::CODE_PORT,
                    originator: wire::sealed::CODE_PORT,
                }],
            }),
            body: wire::tpdu::UserDataBody::Binary(sealed),
        },
    }
}

#[test]
fn a_sealed_code_is_opened_with_the_cards_key_and_unreadable_without_it() {
    let key = wire::sealed::TerminalKey::from_bytes([3; 32]);
    let mut config = TerminalConfig::new(
        "447700900104".parse().expect("msisdn"),
        "234150000000104".parse().expect("imsi"),
        TerminalKind::StbCard,
    );
    config.key = Some(key.clone());
    let mut card = Terminal::new(&config, 0, Duration::from_secs(60));
    let Ok(Received::Stored(m)) =
        receive(&mut card, &sealed_deliver(&key, "447700900104", "604112"))
    else {
        panic!("stored")
    };
    assert_eq!(m.sealed, Some(super::super::sealed::SealedState::Opened));
    assert_eq!(m.code.as_deref(), Some("604112"));
    assert!(
        m.display
            .starts_with("Acme Books: code 604112 to pay GBP 12.50")
    );

    config.key = Some(wire::sealed::TerminalKey::from_bytes([4; 32]));
    let mut wrong = Terminal::new(&config, 0, Duration::from_secs(60));
    config.key = None;
    let mut keyless = Terminal::new(&config, 0, Duration::from_secs(60));
    for t in [&mut wrong, &mut keyless] {
        let d = sealed_deliver(&key, "447700900104", "604112");
        let Ok(Received::Stored(m)) = receive(t, &d) else {
            panic!("stored")
        };
        assert_eq!(
            m.sealed,
            Some(super::super::sealed::SealedState::Unreadable)
        );
        assert_eq!(m.code, None);
        assert!(
            m.display.starts_with(super::super::sealed::UNREADABLE),
            "{}",
            m.display
        );
        assert!(!m.text.contains("604112"));
    }
}
