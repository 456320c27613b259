//! The cell without a network: registration bookkeeping, deliveries while
//! detached, MO splitting and timeouts, long polls (paused clock).

use std::time::Duration;

use wire::air::{AirFrame, RpCause};
use wire::tpdu::{SmsSubmit, TpAddress};

use super::*;
use crate::config::Config;

const ALICE: &str = "447700900101";

fn cell() -> (Arc<Cell>, LinkQueue) {
    let config = Config::from_toml_str(&format!(
        "[cell]\nsubmit_timeout_s = 5\n[[terminals]]\nmsisdn = \"{ALICE}\"\nimsi = \"234150000000101\"\nkind = \"phone\"\n"
    ))
    .expect("config");
    Cell::new(&config).expect("cell")
}

fn queued(queue: &mut LinkQueue) -> Vec<AirFrame> {
    std::iter::from_fn(|| queue.try_recv().ok().map(|o| o.frame)).collect()
}

#[test]
fn nothing_is_queued_while_the_link_is_down() {
    let (cell, mut queue) = cell();
    cell.set_power(ALICE, false).expect("known");
    cell.set_power(ALICE, true).expect("known");
    assert!(queued(&mut queue).is_empty());
    let (epoch, attaches) = cell.link_up();
    assert_eq!(epoch, 1);
    assert!(matches!(attaches.as_slice(), [AirFrame::Attach { .. }]));
    let err = cell
        .send("447700900999", "+44", "x", false)
        .expect_err("unknown");
    assert_eq!(err, CellError::NoTerminal("447700900999".into()));
}

#[test]
fn a_reject_holds_until_a_power_cycle() {
    let (cell, mut queue) = cell();
    cell.link_up();
    cell.on_attach_reject(ALICE, RpCause::OPERATOR_DETERMINED_BARRING);
    let t = cell.terminal(ALICE).expect("known");
    assert_eq!(
        (t.registration, t.attached, t.reject_cause),
        ("rejected", false, Some(8))
    );
    let err = cell
        .send(ALICE, "+447700900999", "hi", false)
        .expect_err("rejected");
    assert!(
        err.to_string().contains("operator determined barring"),
        "{err}"
    );
    let answer = cell.on_deliver(1, ALICE, &[]);
    assert!(matches!(
        answer,
        AirFrame::DeliverError {
            cause: RpCause::DESTINATION_OUT_OF_ORDER,
            ..
        }
    ));
    cell.set_power(ALICE, false).expect("known");
    assert!(
        queued(&mut queue).is_empty(),
        "a rejected terminal has nothing to detach"
    );
    cell.set_power(ALICE, true).expect("known");
    assert!(matches!(
        queued(&mut queue).as_slice(),
        [AirFrame::Attach { .. }]
    ));
    cell.on_attach_ack(ALICE);
    assert_eq!(
        cell.terminal(ALICE).expect("known").registration,
        "attached"
    );
}

#[test]
fn a_stale_attach_answer_is_ignored() {
    let (cell, _queue) = cell();
    cell.link_up();
    cell.set_power(ALICE, false).expect("known");
    cell.on_attach_ack(ALICE);
    assert_eq!(
        cell.terminal(ALICE).expect("known").registration,
        "detached"
    );
}

#[test]
fn long_mo_texts_go_in_concatenated_parts() {
    let (cell, mut queue) = cell();
    cell.link_up();
    let text = "Reply to confirm the payment. ".repeat(10);
    let sent = cell.send(ALICE, "12345", &text, false).expect("sent");
    assert_eq!(sent.segments, 2);
    let submits: Vec<SmsSubmit> = queued(&mut queue)
        .into_iter()
        .map(|f| match f {
            AirFrame::Submit { tpdu, .. } => SmsSubmit::decode(&tpdu).expect("decodes"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(submits.len(), 2);
    assert_eq!(submits[0].destination_address.value, "12345");
    assert_ne!(submits[0].message_reference, submits[1].message_reference);
    let concat: Vec<_> = submits
        .iter()
        .map(|s| {
            s.user_data
                .header
                .as_ref()
                .and_then(|h| h.concatenation())
                .map(|c| (c.seq, c.total))
        })
        .collect();
    assert_eq!(concat, [Some((1, 2)), Some((2, 2))]);
    let too_long = "x".repeat(160 * 11);
    let err = cell
        .send(ALICE, "12345", &too_long, false)
        .expect_err("too long");
    assert!(err.to_string().contains("at most 10"), "{err}");
    assert_eq!(TpAddress::international("44").to_string(), "+44");
}

#[tokio::test(start_paused = true)]
async fn unanswered_submits_fail_after_the_timeout() {
    let (cell, _queue) = cell();
    cell.link_up();
    let mut events = cell.events().subscribe();
    let sent = cell
        .send(ALICE, "+447700900999", "hi", false)
        .expect("sent");
    cell.sweep(tokio::time::Instant::now() + Duration::from_secs(4));
    assert!(events.try_recv().is_err(), "not yet overdue");
    cell.sweep(tokio::time::Instant::now() + Duration::from_secs(5));
    match events.try_recv() {
        Ok(Event::SendFailed {
            reference, reason, ..
        }) => {
            assert_eq!(reference, sent.reference);
            assert!(reason.contains("within 5s"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    cell.on_submit_ack(sent.reference);
    assert_eq!(
        cell.sent(ALICE).expect("known")[0].state,
        crate::terminal::outbox::SendState::Failed
    );
}

#[tokio::test(start_paused = true)]
async fn long_polls_time_out_on_the_paused_clock_and_wake_on_messages() {
    let (cell, _queue) = cell();
    cell.link_up();
    let started = tokio::time::Instant::now();
    let none = cell
        .next_code(ALICE, Duration::from_secs(30))
        .await
        .expect("known");
    assert_eq!(none, None);
    assert_eq!(started.elapsed(), Duration::from_secs(30));

    let waiter = {
        let cell = Arc::clone(&cell);
        tokio::spawn(async move {
            cell.next_message(ALICE, None, Duration::from_secs(60))
                .await
        })
    };
    tokio::task::yield_now().await;
    let tpdu = wire::tpdu::SmsDeliver {
        more_messages_to_send: false,
        reply_path: false,
        status_report_indication: false,
        originating_address: TpAddress::alphanumeric("Bank"),
        protocol_identifier: 0,
        dcs: wire::tpdu::DataCodingScheme(0),
        service_centre_timestamp: wire::tpdu::Timestamp::from_offset_datetime(
            time::macros::datetime!(2025-01-01 12:00 UTC),
        )
        .expect("in range"),
        user_data: wire::tpdu::UserData::text("hello"),
    }
    .encode()
    .expect("encodes");
    assert_eq!(
        cell.on_deliver(9, ALICE, &tpdu),
        AirFrame::DeliverAck { reference: 9 }
    );
    let got = waiter
        .await
        .expect("task")
        .expect("known")
        .expect("a message");
    assert_eq!(got.text, "hello");
    let missing = cell
        .next_message("447700900999", None, Duration::ZERO)
        .await;
    assert_eq!(missing, Err(CellError::NoTerminal("447700900999".into())));
}
