use super::*;
use crate::text::tests::text_for;
use crate::text::{Concatenation, Encoding, Segment, encode, segment_text};
use proptest::prelude::*;

const TIMEOUT: Duration = Duration::from_secs(60);

fn part(s: &Segment) -> Part<'_> {
    match s.sar {
        _ if s.message_payload => Part::MessagePayload(&s.data),
        Some(sar) => Part::Sar { sar, data: &s.data },
        None => Part::ShortMessage {
            udhi: s.udhi,
            data: &s.data,
        },
    }
}

fn concat8(reference: u8, total: u8, seq: u8, text: &[u8]) -> Vec<u8> {
    [&[0x05, 0x00, 0x03, reference, total, seq][..], text].concat()
}

fn short(data: &[u8]) -> Part<'_> {
    Part::ShortMessage { udhi: true, data }
}

#[test]
fn udh_parts_in_any_order_with_duplicates() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 10);
    let (p1, p2, p3) = (
        concat8(7, 3, 1, b"ab"),
        concat8(7, 3, 2, b"cd"),
        concat8(7, 3, 3, b"e"),
    );
    assert_eq!(
        r.accept("A", "B", short(&p3), t0),
        Ok(Outcome::Waiting {
            received: 1,
            total: 3
        })
    );
    assert_eq!(
        r.accept("A", "B", short(&p1), t0),
        Ok(Outcome::Waiting {
            received: 2,
            total: 3
        })
    );
    assert_eq!(r.accept("A", "B", short(&p1), t0), Ok(Outcome::Duplicate));
    let Ok(Outcome::Complete(m)) = r.accept("A", "B", short(&p2), t0) else {
        panic!("incomplete")
    };
    assert_eq!(
        m,
        Reassembled {
            data: b"abcde".to_vec(),
            reference: Some(7),
            parts: 3
        }
    );
    assert_eq!(m.text(0x00).unwrap(), "abcde");
    assert_eq!(r.pending_len(), 0);
}

#[test]
fn messages_are_kept_apart_by_originator_and_recipient() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 10);
    let (p1, p2) = (concat8(1, 2, 1, b"x"), concat8(1, 2, 2, b"y"));
    assert!(matches!(
        r.accept("A", "B", short(&p1), t0),
        Ok(Outcome::Waiting { .. })
    ));
    assert!(matches!(
        r.accept("C", "B", short(&p2), t0),
        Ok(Outcome::Waiting { .. })
    ));
    assert!(matches!(
        r.accept("A", "D", short(&p2), t0),
        Ok(Outcome::Waiting { .. })
    ));
    assert_eq!(r.pending_len(), 3);
    assert!(matches!(
        r.accept("A", "B", short(&p2), t0),
        Ok(Outcome::Complete(_))
    ));
}

#[test]
fn single_messages_pass_straight_through() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 10);
    let whole = |data: &[u8], reference| {
        Ok(Outcome::Complete(Reassembled {
            data: data.to_vec(),
            reference,
            parts: 1,
        }))
    };
    let plain = Part::ShortMessage {
        udhi: false,
        data: b"\x05hi",
    };
    assert_eq!(r.accept("A", "B", plain, t0), whole(b"\x05hi", None));
    assert_eq!(
        r.accept("A", "B", Part::MessagePayload(b"long"), t0),
        whole(b"long", None)
    );
    // A header with only port addressing, and a concatenation "1 of 1".
    let ports = [0x04, 0x04, 0x02, 0x10, 0x20, b'p'];
    assert_eq!(r.accept("A", "B", short(&ports), t0), whole(b"p", None));
    assert_eq!(
        r.accept("A", "B", short(&concat8(9, 1, 1, b"q")), t0),
        whole(b"q", Some(9))
    );
    // An unusable concatenation element is ignored, as TS 23.040 says.
    assert_eq!(
        r.accept("A", "B", short(&concat8(9, 2, 3, b"z")), t0),
        whole(b"z", None)
    );
    assert_eq!(r.pending_len(), 0);
}

#[test]
fn malformed_parts_are_errors() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 10);
    let bad_udh = [0x05, 0x00, 0x03, 0x01];
    assert!(matches!(
        r.accept("A", "B", short(&bad_udh), t0),
        Err(ReassemblyError::Udh(_))
    ));
    for (total_segments, segment_seqnum) in [(2, 0), (2, 3), (0, 0)] {
        let sar = Sar {
            msg_ref_num: 1,
            total_segments,
            segment_seqnum,
        };
        assert_eq!(
            r.accept("A", "B", Part::Sar { sar, data: b"x" }, t0),
            Err(ReassemblyError::SarOutOfRange {
                seqnum: segment_seqnum,
                total: total_segments
            })
        );
    }
}

#[test]
fn incomplete_messages_expire_by_the_given_clock() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 10);
    r.accept("A", "B", short(&concat8(3, 3, 1, b"a")), t0)
        .unwrap();
    assert_eq!(r.expire(t0 + TIMEOUT - Duration::from_millis(1)), []);
    let expired = r.expire(t0 + TIMEOUT);
    assert_eq!(
        expired,
        [Expired {
            originator: "A".into(),
            recipient: "B".into(),
            reference: 3,
            received: 1,
            total: 3
        }]
    );
    assert_eq!(r.pending_len(), 0);
}

#[test]
fn stale_or_recounted_reference_starts_a_new_message() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 10);
    r.accept("A", "B", short(&concat8(3, 2, 1, b"old")), t0)
        .unwrap();
    let later = t0 + TIMEOUT;
    let outcome = r
        .accept("A", "B", short(&concat8(3, 2, 2, b"new")), later)
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Waiting {
            received: 1,
            total: 2
        }
    );
    let outcome = r
        .accept("A", "B", short(&concat8(3, 3, 1, b"x")), later)
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Waiting {
            received: 1,
            total: 3
        }
    );
    assert_eq!(r.pending_len(), 1);
}

#[test]
fn memory_is_bounded_by_evicting_the_oldest() {
    let t0 = Instant::now();
    let mut r = Reassembler::new(TIMEOUT, 2);
    for (i, reference) in [1u8, 2, 3].into_iter().enumerate() {
        let at = t0 + Duration::from_secs(i as u64);
        r.accept("A", "B", short(&concat8(reference, 2, 1, b"a")), at)
            .unwrap();
        assert!(r.pending_len() <= 2);
    }
    let at = t0 + Duration::from_secs(5);
    // Reference 1 was evicted, so its second part starts over; 3 completes.
    let outcome = r
        .accept("A", "B", short(&concat8(3, 2, 2, b"b")), at)
        .unwrap();
    assert!(matches!(outcome, Outcome::Complete(_)));
    let outcome = r
        .accept("A", "B", short(&concat8(1, 2, 2, b"b")), at)
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Waiting {
            received: 1,
            total: 2
        }
    );
}

fn case() -> impl Strategy<Value = (Encoding, String, Concatenation, Vec<usize>)> {
    let method = prop_oneof![
        any::<u8>().prop_map(Concatenation::Udh8),
        any::<u16>().prop_map(Concatenation::Udh16),
        any::<u16>().prop_map(Concatenation::Sar),
        Just(Concatenation::MessagePayload),
    ];
    (
        prop::sample::select(vec![Encoding::Gsm7, Encoding::Ucs2, Encoding::Latin1]),
        method,
    )
        .prop_flat_map(|(e, m)| (Just(e), text_for(e, 1200), Just(m)))
        .prop_flat_map(|(e, text, m)| {
            let n = segment_text(&text, e, m)
                .expect("generated text encodes")
                .len();
            (
                Just(e),
                Just(text),
                Just(m),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            )
        })
}

proptest! {
    #[test]
    fn split_then_reassemble_in_any_order(
        (encoding, text, method, order) in case(),
        dup in any::<prop::sample::Index>(),
    ) {
        let t0 = Instant::now();
        let segments = segment_text(&text, encoding, method).unwrap();
        let mut r = Reassembler::new(TIMEOUT, 4);
        let mut done = None;
        for (k, &i) in order.iter().enumerate() {
            let outcome = r.accept("4912345", "4967890", part(&segments[i]), t0).unwrap();
            if k + 1 < order.len() {
                prop_assert!(matches!(outcome, Outcome::Waiting { .. }), "{outcome:?}");
                // A repeat of a part already given is dropped.
                let again = order[dup.index(k + 1)];
                let outcome = r.accept("4912345", "4967890", part(&segments[again]), t0).unwrap();
                prop_assert_eq!(outcome, Outcome::Duplicate);
            } else if let Outcome::Complete(m) = outcome {
                done = Some(m);
            }
        }
        let m = done.expect("the last part completes the message");
        prop_assert_eq!(&m.data, &encode(&text, encoding).unwrap());
        prop_assert_eq!(m.text(encoding.data_coding()).unwrap(), text);
        prop_assert_eq!(usize::from(m.parts), segments.len());
        prop_assert_eq!(r.pending_len(), 0);
    }
}
