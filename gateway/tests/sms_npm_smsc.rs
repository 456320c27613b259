//! `gateway::sms` against an SMSC we did not write: the server side of npm's
//! `smpp` package, driven by `tests/interop/npm-smsc/smsc.js` (its pinned
//! packages are installed by `scripts/test.sh` with `npm ci`).
//!
//! Each test starts `node smsc.js` on 127.0.0.1:0, reads its ready line and
//! then its JSON event lines (what the SMSC decoded from every PDU), points
//! an [`SmsGateway`] at it and checks: a GSM text and a long UCS-2 text reach
//! the SMSC as the library decodes them; every part's delivery receipt comes
//! back as a [`DeliveryReport`] whose id is the normalised form of the id the
//! SMSC gave (decimal, hex and UUID ids, receipts with TLVs or text only,
//! transceiver and TX+RX binds); a refused destination is
//! [`SendError::Rejected`]; enquire_link keeps the session; a wrong password
//! leaves the SMSC down. The SMSC exits when its stdin closes, and a drop
//! guard kills it when a test fails. `SWITCHBOARD_SKIP_NODE_INTEROP=1` skips
//! these tests; otherwise a missing node or npm install is a failure.

#[path = "sms_npm_smsc/support.rs"]
mod support;

use gateway::sms::{BindKind, IdFormat, SendError, SmsGateway};
use support::*;

/// A GSM text and a long UCS-2 text through the npm SMSC; every part receipted.
async fn texts_are_receipted(form: &str, format: IdFormat, bind: BindKind, extra: &[&str]) {
    let Some(mut smsc) = NpmSmsc::start(&[&["--id-form", form], extra].concat()).await else {
        return;
    };
    let mut c = smsc.config("npm");
    (c.message_id_format, c.bind) = (format, bind);
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.expect("gateway starts");
    assert!(
        gw.status()[0].up,
        "bound to the npm SMSC: {:?}",
        gw.status()
    );

    let gsm = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_gsm")
        .await
        .expect("GSM text sent");
    assert_eq!((gsm.smsc.as_str(), gsm.segments), ("npm", 1));
    let long = ucs2_text();
    let ucs2 = gw
        .send(&msisdn(TO), &long, "pay_ucs2")
        .await
        .expect("UCS-2 text sent");
    assert!(ucs2.segments >= 2, "{ucs2:?}");
    assert_eq!(ucs2.message_ids.len(), ucs2.segments);

    // What the library decoded: the GSM text as one plain part, the UCS-2
    // text as parts with one concatenation reference that join up again.
    let submits = smsc.events("submit", 1 + ucs2.segments).await;
    let first = &submits[0];
    assert_eq!(first["text"], GSM_TEXT, "{first}");
    assert_eq!(
        (first["data_coding"].as_u64(), first["esm_class"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        (
            first["destination_addr"].as_str(),
            first["registered_delivery"].as_u64()
        ),
        (Some(TO), Some(1))
    );
    let parts = &submits[1..];
    let mut joined = String::new();
    let mut reference = None;
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(
            (part["data_coding"].as_u64(), part["esm_class"].as_u64()),
            (Some(8), Some(0x40)),
            "{part}"
        );
        let udh = part["udh"][0].as_str().expect("a concatenation element");
        // IEI 00, length 03, reference, total, sequence (hex).
        assert_eq!(&udh[..4], "0003", "{part}");
        assert_eq!(
            &udh[6..],
            format!("{:02x}{:02x}", parts.len(), i + 1),
            "{part}"
        );
        assert!(
            reference.is_none_or(|r| r == &udh[4..6]),
            "one reference: {parts:?}"
        );
        reference = Some(&udh[4..6]);
        joined.push_str(part["text"].as_str().expect("decoded text"));
    }
    assert_eq!(joined, long);

    // The ids send returned are the SMSC's, normalised, in part order.
    let sent: Vec<String> = gsm
        .message_ids
        .iter()
        .chain(&ucs2.message_ids)
        .cloned()
        .collect();
    let given: Vec<String> = submits
        .iter()
        .map(|s| normalised(form, s["message_id"].as_str().expect("message_id")))
        .collect();
    assert_eq!(sent, given);

    let got = reports_for(&mut reports, &sent).await;
    for r in got.values() {
        assert!(r.delivered() && r.smsc == "npm", "{r:?}");
        assert_eq!(r.err.as_deref(), Some("000"), "{r:?}");
    }
    let sessions = if bind == BindKind::TxRx { 2 } else { 1 };
    gw.shutdown().await;
    smsc.events("unbind", sessions).await;
    smsc.stop().await;
}

#[tokio::test]
async fn decimal_ids_with_receipt_tlvs_correlate() {
    texts_are_receipted("decimal", IdFormat::Decimal, BindKind::Transceiver, &[]).await;
}

#[tokio::test]
async fn hex_ids_correlate_over_a_transmitter_and_a_receiver() {
    texts_are_receipted("hex", IdFormat::Hex, BindKind::TxRx, &[]).await;
}

#[tokio::test]
async fn hex_ids_correlate_from_text_only_receipts_with_decimal_ids() {
    let extra = ["--receipt-tlvs", "off", "--text-id", "decimal"];
    texts_are_receipted("hex", IdFormat::Hex, BindKind::Transceiver, &extra).await;
}

#[tokio::test]
async fn uuid_ids_correlate() {
    texts_are_receipted("uuid", IdFormat::Uuid, BindKind::Transceiver, &[]).await;
}

#[tokio::test]
async fn refused_destination_is_rejected_and_the_link_stays_up() {
    let Some(mut smsc) = NpmSmsc::start(&["--reject-dest", REFUSED]).await else {
        return;
    };
    let (gw, mut reports) = SmsGateway::start(vec![smsc.config("npm")])
        .await
        .expect("gateway starts");
    let err = gw
        .send(&msisdn(REFUSED), GSM_TEXT, "pay_refused")
        .await
        .unwrap_err();
    assert_eq!(err, SendError::Rejected("ESME_RSUBMITFAIL".into()));
    assert_eq!(smsc.event("reject").await["destination_addr"], REFUSED);
    let sent = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_after")
        .await
        .expect("other numbers still sent");
    reports_for(&mut reports, &sent.message_ids).await;
    gw.shutdown().await;
    smsc.stop().await;
}

#[tokio::test]
async fn enquire_link_is_answered_and_the_session_kept() {
    let Some(mut smsc) = NpmSmsc::start(&[]).await else {
        return;
    };
    let mut c = smsc.config("npm");
    // The ESME pings when idle for the interval and then waits out the
    // response timeout before the next: about 2 s for two pings.
    (c.enquire_link_s, c.response_timeout_ms) = (1, 1_000);
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.expect("gateway starts");
    smsc.events("enquire_link", 2).await;
    // A response the ESME did not take would have cost it the session.
    assert_eq!(smsc.seen("bind"), 1, "no re-bind: {:?}", smsc.seen);
    assert!(gw.status()[0].up, "{:?}", gw.status());
    let sent = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_keepalive")
        .await
        .expect("sent");
    reports_for(&mut reports, &sent.message_ids).await;
    gw.shutdown().await;
    smsc.stop().await;
}

#[tokio::test]
async fn wrong_password_leaves_the_smsc_down() {
    let Some(mut smsc) = NpmSmsc::start(&[]).await else {
        return;
    };
    let mut c = smsc.config("npm");
    c.password.0 = "wrong".into();
    let (gw, _reports) = SmsGateway::start(vec![c]).await.expect("gateway starts");
    let bind = smsc.event("bind").await;
    assert_eq!(bind["status"], 0x0E, "ESME_RINVPASWD: {bind}");
    assert!(!gw.status()[0].up);
    let err = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_down")
        .await
        .unwrap_err();
    assert_eq!(err, SendError::AllSmscsDown);
    gw.shutdown().await;
    smsc.stop().await;
}
