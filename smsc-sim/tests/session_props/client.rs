//! A strict SMPP client for the session property: sends one request at a
//! time and reads the server's answer within a deadline, answering the
//! requests the server may send meanwhile (receipts as deliver_sm, its
//! enquire_link) the way a well-behaved ESME does. Every surprise (a
//! timeout, a closed link, a malformed PDU, an unbind from the server) is a
//! test failure proptest can shrink.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use proptest::test_runner::TestCaseError;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};
use wire::smpp::{FrameCodec, Inbound};

/// The longest the server may take to answer one PDU or to close.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

pub struct Client {
    io: Framed<TcpStream, FrameCodec>,
    seq: u32,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Result<Client, TestCaseError> {
        let s = TcpStream::connect(addr)
            .await
            .map_err(|e| fail(format!("connect: {e}")))?;
        Ok(Client {
            io: Framed::new(s, FrameCodec::default()),
            seq: 0,
        })
    }

    pub fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    pub async fn send(
        &mut self,
        status: CommandStatus,
        seq: u32,
        pdu: Pdu,
    ) -> Result<(), TestCaseError> {
        self.io
            .send(Command::new(status, seq, pdu))
            .await
            .map_err(|e| fail(format!("send: {e}")))
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), TestCaseError> {
        self.io
            .get_mut()
            .write_all(bytes)
            .await
            .map_err(|e| fail(format!("send raw: {e}")))
    }

    /// The next response from the server, or `None` once it closed the
    /// link. Requests it sends meanwhile are answered here.
    pub async fn next_response(&mut self) -> Result<Option<Command>, TestCaseError> {
        loop {
            let item = tokio::time::timeout(READ_TIMEOUT, self.io.next())
                .await
                .map_err(|_| fail(format!("no PDU and no close within {READ_TIMEOUT:?}")))?;
            let cmd = match item {
                None => return Ok(None),
                Some(Err(e)) => return Err(fail(format!("reading: {e}"))),
                Some(Ok(Inbound::Malformed(e))) => {
                    return Err(fail(format!("malformed PDU from the server: {e:?}")));
                }
                Some(Ok(Inbound::Command(c))) => *c,
            };
            if cmd.id().is_response() {
                return Ok(Some(cmd));
            }
            let answer = match cmd.pdu() {
                Some(Pdu::DeliverSm(_)) => Pdu::DeliverSmResp(Default::default()),
                Some(Pdu::EnquireLink) => Pdu::EnquireLinkResp,
                _ => return Err(fail(format!("unexpected request from the server: {cmd:?}"))),
            };
            // The server may already be closing (after our unbind): a late
            // answer that cannot be written is harmless.
            let _ = self
                .io
                .send(Command::new(
                    CommandStatus::EsmeRok,
                    cmd.sequence_number(),
                    answer,
                ))
                .await;
        }
    }

    /// Unbind if bound, then wait for the server to close; used to end a
    /// sequence so that no bind slot outlives its case.
    pub async fn unbind_and_wait_close(&mut self) -> Result<(), TestCaseError> {
        let seq = self.next_seq();
        self.send(CommandStatus::EsmeRok, seq, Pdu::Unbind).await?;
        while let Some(c) = self.next_response().await? {
            if c.sequence_number() != seq {
                return Err(fail(format!("unexpected response while unbinding: {c:?}")));
            }
        }
        Ok(())
    }
}
