//! Malformed input: each bad PDU gets the right generic_nack or error
//! response, the session stays bound, and the next valid PDU is served.

mod common;

use common::*;
use wire::smpp::Inbound;
use wire::smpp::rusmpp::{CommandId, CommandStatus};

const ENQUIRE_LINK: u32 = 0x0000_0015;
const SUBMIT_SM: u32 = 0x0000_0004;

/// After the bad bytes, an enquire_link must still be answered.
async fn expect_then_alive(
    p: &mut Peer,
    bad: &[u8],
    id: CommandId,
    status: CommandStatus,
    seq: u32,
) {
    p.send_raw(bad).await;
    let (got_id, got_status, got_seq) = match p.recv().await {
        Inbound::Command(c) => (c.id(), c.status(), c.sequence_number()),
        Inbound::Malformed(e) => (e.command_id, e.status, e.sequence_number),
    };
    assert_eq!(
        (got_id, got_status, got_seq),
        (id, status, seq),
        "answer to {bad:02x?}"
    );
    p.send_raw(&raw(16, ENQUIRE_LINK, 77, &[])).await;
    let c = p.recv_command().await;
    assert_eq!(
        (c.id(), c.sequence_number()),
        (CommandId::EnquireLinkResp, 77),
        "session alive after {bad:02x?}"
    );
}

fn submit_body(dest: &[u8], sm: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8]; // service_type ""
    b.extend([5, 0]);
    b.extend(b"MyBank\0");
    b.extend([1, 1]);
    b.extend(dest);
    b.push(0);
    b.extend([0, 0, 0]); // esm_class, protocol_id, priority
    b.extend([0, 0]); // schedule, validity
    b.extend([1, 0, 0, 0]); // registered_delivery, replace, data_coding, default msg id
    b.push(sm.len() as u8);
    b.extend(sm);
    b
}

#[tokio::test]
async fn every_malformed_pdu_is_answered_and_the_session_survives() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let nack = CommandId::GenericNack;
    let resp = CommandId::SubmitSmResp;

    // Unknown command_id.
    expect_then_alive(
        &mut p,
        &raw(16, 0x0000_00AA, 1, &[]),
        nack,
        CommandStatus::EsmeRinvcmdid,
        1,
    )
    .await;
    // command_length below the header.
    expect_then_alive(
        &mut p,
        &raw(12, ENQUIRE_LINK, 2, &[]),
        nack,
        CommandStatus::EsmeRinvcmdlen,
        2,
    )
    .await;
    // command_length above the maximum (4096): the body is skipped.
    let mut huge = raw(5000, SUBMIT_SM, 3, &[]);
    huge.resize(5000, 0);
    expect_then_alive(&mut p, &huge, nack, CommandStatus::EsmeRinvcmdlen, 3).await;
    // Trailing bytes after a complete body.
    expect_then_alive(
        &mut p,
        &raw(18, ENQUIRE_LINK, 4, &[0, 0]),
        nack,
        CommandStatus::EsmeRinvcmdlen,
        4,
    )
    .await;
    // Truncated body: command_length cuts the submit_sm short.
    let body = submit_body(b"447700900123", b"hello");
    expect_then_alive(
        &mut p,
        &raw(16 + 12, SUBMIT_SM, 5, &body[..12]),
        nack,
        CommandStatus::EsmeRinvcmdlen,
        5,
    )
    .await;
    // Non-ASCII destination address.
    let body = submit_body(b"4477\xff0900123", b"hello");
    expect_then_alive(
        &mut p,
        &raw(16 + body.len() as u32, SUBMIT_SM, 6, &body),
        resp,
        CommandStatus::EsmeRinvdstadr,
        6,
    )
    .await;
    // Over-long destination (more than 20 characters).
    let body = submit_body(b"4477009001234567890123456", b"hello");
    expect_then_alive(
        &mut p,
        &raw(16 + body.len() as u32, SUBMIT_SM, 7, &body),
        resp,
        CommandStatus::EsmeRinvdstadr,
        7,
    )
    .await;
    // A TLV whose length disagrees with its type (user_message_reference is 2 octets).
    let mut body = submit_body(b"447700900123", b"hello");
    body.extend([0x02, 0x04, 0x00, 0x04, 0, 1, 0, 2]);
    expect_then_alive(
        &mut p,
        &raw(16 + body.len() as u32, SUBMIT_SM, 8, &body),
        resp,
        CommandStatus::EsmeRinvtlvlen,
        8,
    )
    .await;
    // A TLV header that runs past the end of the PDU.
    let mut body = submit_body(b"447700900123", b"hello");
    body.extend([0x04, 0x24, 0x00, 0x40, 1, 2]);
    expect_then_alive(
        &mut p,
        &raw(16 + body.len() as u32, SUBMIT_SM, 9, &body),
        resp,
        CommandStatus::EsmeRinvtlvlen,
        9,
    )
    .await;

    // And a valid submit still works on the same bind.
    let ok = p.request(submit("447700900123", "still bound", 0)).await;
    assert_eq!(ok.status(), CommandStatus::EsmeRok);
    srv.stop().await;
}

#[tokio::test]
async fn an_absurd_length_closes_the_connection() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    p.send_raw(&raw(0x7FFF_FFFF, SUBMIT_SM, 1, &[])).await;
    let next = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        futures::StreamExt::next(&mut p.io),
    )
    .await;
    assert!(
        matches!(next, Ok(None) | Ok(Some(Err(_)))),
        "connection closed: {next:?}"
    );
    srv.stop().await;
}
