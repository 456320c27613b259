use super::*;

fn message(text: &str, flash: bool, code: Option<&str>) -> InboxMessage {
    InboxMessage {
        id: 0,
        from: "ShopPay".into(),
        text: text.into(),
        display: text.into(),
        received_at: OffsetDateTime::UNIX_EPOCH,
        sent_at: None,
        segments: 1,
        class: flash.then_some(0),
        flash,
        code: code.map(str::to_owned),
        status_report_requested: false,
        read: false,
        code_taken: false,
        sealed: None,
    }
}

#[test]
fn capacity_counts_stored_messages_not_flash() {
    let mut inbox = Inbox::new(2);
    assert!(!inbox.is_full());
    inbox.push(message("a", false, None));
    inbox.push(message("flash", true, None));
    assert!(!inbox.is_full(), "flash does not count");
    inbox.push(message("b", false, None));
    assert!(inbox.is_full());
    assert_eq!((inbox.len(), inbox.stored(), inbox.unread()), (3, 2, 3));
    inbox.set_capacity(3);
    assert!(!inbox.is_full());
    assert!(Inbox::new(0).is_full(), "capacity 0 is always full");
}

#[test]
fn memory_available_is_signalled_once_after_a_refusal() {
    let mut inbox = Inbox::new(1);
    let first = inbox.push(message("a", false, None));
    assert!(!inbox.take_memory_available(), "nothing was refused");
    inbox.note_refused();
    assert!(!inbox.take_memory_available(), "still full");
    assert!(inbox.memory_exceeded());
    assert!(inbox.remove(first.id));
    assert!(inbox.take_memory_available());
    assert!(!inbox.take_memory_available(), "only once");
    assert!(!inbox.memory_exceeded());
}

#[test]
fn ids_grow_and_are_not_reused() {
    let mut inbox = Inbox::new(10);
    let a = inbox.push(message("a", false, None));
    let b = inbox.push(message("b", false, None));
    assert_eq!((a.id, b.id), (1, 2));
    assert_eq!(inbox.clear(), 2);
    assert!(inbox.is_empty());
    assert_eq!(inbox.push(message("c", false, None)).id, 3);
    assert!(!inbox.remove(1));
}

#[test]
fn only_the_last_flash_messages_are_kept() {
    let mut inbox = Inbox::new(10);
    inbox.push(message("stored", false, None));
    for i in 0..FLASH_KEPT + 2 {
        inbox.push(message(&format!("flash {i}"), true, None));
    }
    let texts: Vec<_> = inbox.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts.len(), 1 + FLASH_KEPT);
    assert_eq!(texts[0], "stored");
    assert_eq!(texts[1], "flash 2");
}

#[test]
fn take_next_reads_unread_in_order_or_after_an_id() {
    let mut inbox = Inbox::new(10);
    for t in ["a", "b", "c"] {
        inbox.push(message(t, false, None));
    }
    assert_eq!(inbox.take_next(None).map(|m| m.text), Some("a".into()));
    assert_eq!(inbox.take_next(None).map(|m| m.text), Some("b".into()));
    assert_eq!(inbox.unread(), 1);
    assert_eq!(
        inbox.take_next(Some(1)).map(|m| m.text),
        Some("b".into()),
        "after ignores read"
    );
    assert_eq!(inbox.take_next(Some(3)), None);
    assert!(inbox.mark_read(None));
    assert_eq!(inbox.take_next(None), None);
    assert!(!inbox.mark_read(Some(42)));
}

#[test]
fn codes_are_handed_out_once_oldest_first() {
    let mut inbox = Inbox::new(10);
    inbox.push(message("no code", false, None));
    inbox.push(message("code 1111", false, Some("1111")));
    inbox.push(message("code 2222", false, Some("2222")));
    let (code, m) = inbox.take_code().expect("a code");
    assert_eq!(
        (code.as_str(), m.id, m.code_taken, m.read),
        ("1111", 2, true, true)
    );
    assert_eq!(inbox.take_code().map(|c| c.0), Some("2222".into()));
    assert_eq!(inbox.take_code(), None);
    assert!(
        !inbox.get(1).expect("kept").read,
        "messages without a code stay unread"
    );
}
