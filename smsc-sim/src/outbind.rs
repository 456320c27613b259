//! Outbind (SMPP 3.4 §2.2.1, §4.1.7): the SMSC calls an ESME that has
//! deliver_sm waiting but no receiver bound.
//!
//! One task per account with an `outbind` address. Whenever the account's
//! outbox holds something and no receiver is bound, it connects to the
//! ESME, sends outbind with the account's system_id and password, and runs
//! an ordinary [`crate::session`] on the connection: the ESME answers with
//! bind_receiver (or bind_transceiver) there, and the session delivers the
//! queue. Failed calls are retried with a capped backoff.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::SinkExt;
use tokio::net::TcpStream;
use tokio_util::codec::FramedWrite;
use tokio_util::sync::CancellationToken;
use wire::smpp::FrameCodec;
use wire::smpp::rusmpp::pdus::Outbind;
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};

use crate::accounts::Account;
use crate::core::Core;

const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Call `addr` for `account` whenever it has queued deliveries and no receiver.
pub async fn run(
    core: Arc<Core>,
    account: Arc<Account>,
    addr: SocketAddr,
    token: CancellationToken,
) {
    let mut backoff = FIRST_BACKOFF;
    loop {
        // Wait for work: queued items and nobody bound to take them.
        loop {
            let notified = account.outbox.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !account.outbox.is_empty() && account.bound_receivers() == 0 {
                break;
            }
            tokio::select! {
                _ = token.cancelled() => return,
                _ = notified => {}
                // Receivers come and go without touching the outbox.
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        let system_id = account.policy.system_id.as_str().to_owned();
        match call(&core, &account, addr).await {
            Ok(stream) => {
                tracing::info!(%addr, account = system_id, "outbind sent");
                crate::session::serve(Arc::clone(&core), stream, addr, token.child_token()).await;
                backoff = FIRST_BACKOFF;
            }
            Err(e) => {
                tracing::info!(%addr, account = system_id, error = %e, "outbind failed; retrying");
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Connect and send the outbind PDU; the stream is then the ESME's to bind on.
async fn call(core: &Core, account: &Account, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))??;
    let _ = stream.set_nodelay(true);
    let invalid = |e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{e:?}"));
    let pdu = Outbind::new(
        COctetString::from_string(account.policy.system_id.as_str().to_owned()).map_err(invalid)?,
        COctetString::from_string(account.policy.password.expose().to_owned()).map_err(invalid)?,
    );
    let mut out = FramedWrite::new(stream, FrameCodec::new(core.settings.max_pdu_len));
    let cmd = Command::new(CommandStatus::EsmeRok, 1, Pdu::Outbind(pdu));
    out.send(wire::smpp::Outbound::from(cmd)).await?;
    Ok(out.into_inner())
}
