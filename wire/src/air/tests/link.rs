//! Frames both ways over an in-memory duplex through `AirFramed`, including a
//! raw bad frame that the switch answers with an `Error` while the link goes on.

use futures::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;

use super::*;

async fn next_frame<S>(link: &mut AirFramed<S>) -> AirInbound
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    link.next()
        .await
        .expect("link open")
        .expect("no stream error")
}

#[tokio::test]
async fn frames_flow_both_ways_and_a_bad_frame_is_answered() {
    let (cell_io, switch_io) = tokio::io::duplex(64);
    let mut cell = framed(cell_io);
    let mut switch = framed(switch_io);
    let alice = msisdn("447700900101");

    cell.send(AirFrame::Hello {
        cell: "cell-1".into(),
    })
    .await
    .expect("send hello");
    assert_eq!(
        next_frame(&mut switch).await,
        AirInbound::Frame(AirFrame::Hello {
            cell: "cell-1".into()
        })
    );
    switch
        .send(AirFrame::HelloAck { heartbeat_secs: 30 })
        .await
        .expect("send ack");
    assert_eq!(
        next_frame(&mut cell).await,
        AirInbound::Frame(AirFrame::HelloAck { heartbeat_secs: 30 })
    );

    // A TPDU bigger than the duplex buffer exercises partial reads and writes.
    let tpdu: Vec<u8> = (0..=255u8).collect();
    let deliver = AirFrame::Deliver {
        reference: 77,
        msisdn: alice.clone(),
        tpdu,
    };
    // Both at once: the send cannot finish until the cell reads.
    let (sent, got) = tokio::join!(switch.send(&deliver), next_frame(&mut cell));
    sent.expect("send deliver");
    assert_eq!(got, AirInbound::Frame(deliver));

    // The cell's side writes a frame with an unknown type straight to the socket.
    cell.get_mut()
        .write_all(&hex("00000003 01 99 00"))
        .await
        .expect("raw write");
    cell.send(AirFrame::MemoryAvailable {
        msisdn: alice.clone(),
    })
    .await
    .expect("send smma");
    let AirInbound::Malformed(bad) = next_frame(&mut switch).await else {
        panic!("expected malformed")
    };
    assert_eq!(
        (bad.frame_type, bad.code()),
        (0x99, AirErrorCode::UNKNOWN_FRAME_TYPE)
    );
    switch.send(bad.to_error_frame()).await.expect("send error");
    assert_eq!(
        next_frame(&mut switch).await,
        AirInbound::Frame(AirFrame::MemoryAvailable { msisdn: alice })
    );
    let AirInbound::Frame(AirFrame::Error { code, message }) = next_frame(&mut cell).await else {
        panic!("expected Error frame")
    };
    assert_eq!(code, AirErrorCode::UNKNOWN_FRAME_TYPE);
    assert!(message.contains("0x99"), "{message}");

    // Closing one end ends the other's stream cleanly.
    drop(cell);
    assert!(switch.next().await.is_none());
}
