//! Deliveries from a fake switch: attach on connect, messages into the
//! inbox (whole and concatenated), the next-code long poll, full inboxes
//! refused with RP-cause 22 until memory is freed, flash messages.

mod common;

use common::*;
use handset_sim::events::Event;
use wire::air::{AirFrame, RpCause};
use wire::tpdu::{FailureCause, MessageClass, SmsDeliverReport, TpAddress};

#[tokio::test]
async fn attaches_on_connect_and_delivers_into_the_inbox() {
    let (sim, _switch, mut conn) = connected().await;
    let (status, terminals) = sim.get("/api/terminals").await;
    assert_eq!(status, 200);
    let states: Vec<_> = terminals
        .as_array()
        .expect("list")
        .iter()
        .map(|t| {
            (
                t["msisdn"].as_str().unwrap_or(""),
                t["attached"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        states,
        [(ALICE, true), (BOB, true), (PAGER, false)],
        "the pager is off"
    );

    let answer = conn
        .deliver(7, ALICE, sms("Your ShopPay code is 482913 for GBP 12.50"))
        .await;
    assert_eq!(answer, AirFrame::DeliverAck { reference: 7 });
    let (status, inbox) = sim.get(&format!("/api/terminals/{ALICE}/inbox")).await;
    assert_eq!(status, 200);
    let m = &inbox[0];
    assert_eq!(m["from"], "ShopPay");
    assert_eq!(m["text"], "Your ShopPay code is 482913 for GBP 12.50");
    assert_eq!(m["code"], "482913");
    assert_eq!(
        (m["segments"].as_u64(), m["flash"].as_bool()),
        (Some(1), Some(false))
    );
    assert!(
        m["received_at"].as_str().is_some_and(|t| t.contains('T')),
        "RFC 3339: {m}"
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_three_part_chinese_message_arrives_as_one() {
    let (sim, _switch, mut conn) = connected().await;
    let text = "您的验证码是 837261，用于向咖啡店支付 12.50 元，五分钟内有效。".repeat(4);
    let parts = deliver_tpdus(&text, TpAddress::international("8613800138000"), 42, None);
    assert_eq!(parts.len(), 3);
    for (i, tpdu) in parts.into_iter().enumerate().rev() {
        let r = i as u32 + 1;
        assert_eq!(
            conn.deliver(r, ALICE, tpdu).await,
            AirFrame::DeliverAck { reference: r }
        );
    }
    let (_, inbox) = sim.get(&format!("/api/terminals/{ALICE}/inbox")).await;
    assert_eq!(inbox.as_array().map(Vec::len), Some(1));
    assert_eq!(inbox[0]["text"], text.as_str());
    assert_eq!(
        (inbox[0]["segments"].as_u64(), inbox[0]["from"].as_str()),
        (Some(3), Some("+8613800138000"))
    );
    assert_eq!(inbox[0]["code"], "837261");
    sim.stop().await;
}

#[tokio::test]
async fn next_code_long_poll_returns_the_code_once() {
    let (sim, _switch, mut conn) = connected().await;
    let path = format!("/api/terminals/{ALICE}/next-code");
    let (status, body) = sim.get(&format!("{path}?timeout=0.2")).await;
    assert_eq!(status, 408);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("no new code")),
        "{body}"
    );

    let poll = {
        let (http, url) = (sim.http.clone(), format!("{}{path}?timeout=10", sim.base));
        tokio::spawn(async move {
            http.get(url)
                .send()
                .await?
                .json::<serde_json::Value>()
                .await
        })
    };
    assert_eq!(
        conn.deliver(1, ALICE, sms("验证码：554433，请勿泄露"))
            .await,
        AirFrame::DeliverAck { reference: 1 }
    );
    let answer = within("the long poll", poll)
        .await
        .expect("task")
        .expect("answer");
    assert_eq!(answer["code"], "554433");
    assert_eq!(answer["message"]["code_taken"], true);
    let (status, _) = sim.get(&format!("{path}?timeout=0")).await;
    assert_eq!(status, 408, "each code is handed out once");
    sim.stop().await;
}

#[tokio::test]
async fn a_full_inbox_refuses_with_cause_22_until_memory_is_freed() {
    let (mut sim, _switch, mut conn) = connected().await;
    assert_eq!(
        conn.deliver(1, BOB, sms("first")).await,
        AirFrame::DeliverAck { reference: 1 }
    );
    let AirFrame::DeliverError {
        reference,
        cause,
        tpdu,
    } = conn.deliver(2, BOB, sms("second")).await
    else {
        panic!("expected DeliverError")
    };
    assert_eq!((reference, cause), (2, RpCause::MEMORY_CAPACITY_EXCEEDED));
    let report = SmsDeliverReport::decode_error(&tpdu).expect("SMS-DELIVER-REPORT");
    assert_eq!(
        report.failure_cause,
        Some(FailureCause::MEMORY_CAPACITY_EXCEEDED)
    );
    let reason = sim
        .event("delivery-error", |e| match e {
            Event::DeliveryError {
                cause: 22, reason, ..
            } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(reason.contains("full"), "{reason}");

    let (status, _) = sim.delete(&format!("/api/terminals/{BOB}/inbox")).await;
    assert_eq!(status, 204);
    assert_eq!(
        conn.recv().await,
        AirFrame::MemoryAvailable {
            msisdn: BOB.parse().expect("msisdn")
        }
    );
    assert_eq!(
        conn.deliver(3, BOB, sms("second")).await,
        AirFrame::DeliverAck { reference: 3 }
    );
    sim.stop().await;
}

#[tokio::test]
async fn flash_messages_show_even_when_the_inbox_is_full() {
    let (sim, _switch, mut conn) = connected().await;
    assert_eq!(
        conn.deliver(1, BOB, sms("fills it")).await,
        AirFrame::DeliverAck { reference: 1 }
    );
    let flash = deliver_tpdus(
        "Code 9911",
        TpAddress::alphanumeric("Bank"),
        2,
        Some(MessageClass::Class0),
    );
    let flash = flash.into_iter().next().expect("one part");
    assert_eq!(
        conn.deliver(2, BOB, flash).await,
        AirFrame::DeliverAck { reference: 2 }
    );
    let (_, inbox) = sim.get(&format!("/api/terminals/{BOB}/inbox")).await;
    assert_eq!(
        (inbox[1]["flash"].as_bool(), inbox[1]["class"].as_u64()),
        (Some(true), Some(0))
    );
    sim.stop().await;
}
