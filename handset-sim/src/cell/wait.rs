//! Long polls: [`Cell::next_message`] and [`Cell::next_code`] answer at once
//! when the inbox already has what is asked for, else wait for it until the
//! timeout. They subscribe to the event bus *before* looking, so a message
//! arriving in between wakes them; any wake-up (or a lagged bus) only
//! triggers another look, the inbox being the truth.

use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use super::{Cell, CellError};
use crate::events::Event;
use crate::terminal::{InboxMessage, Terminal};

impl Cell {
    /// The oldest message with an id above `after`, or without `after` the
    /// oldest unread one; marked read. None when the timeout passes first.
    pub async fn next_message(
        &self,
        msisdn: &str,
        after: Option<u64>,
        timeout: Duration,
    ) -> Result<Option<InboxMessage>, CellError> {
        self.wait_for(msisdn, timeout, |t| t.inbox.take_next(after))
            .await
    }

    /// The oldest code not handed out yet, with its message.
    pub async fn next_code(
        &self,
        msisdn: &str,
        timeout: Duration,
    ) -> Result<Option<(String, InboxMessage)>, CellError> {
        self.wait_for(msisdn, timeout, |t| t.inbox.take_code())
            .await
    }

    async fn wait_for<R>(
        &self,
        msisdn: &str,
        timeout: Duration,
        mut take: impl FnMut(&mut Terminal) -> Option<R>,
    ) -> Result<Option<R>, CellError> {
        let deadline = Instant::now() + timeout;
        let mut events = self.events().subscribe();
        loop {
            {
                let mut inner = self.lock();
                let t = inner.terminal_mut(msisdn)?;
                if let Some(r) = take(t) {
                    // The unread count changed.
                    self.publish(Event::Terminal(t.info()));
                    return Ok(Some(r));
                }
            }
            loop {
                match tokio::time::timeout_at(deadline, events.recv()).await {
                    Err(_) => return Ok(None),
                    Ok(Ok(Event::Message { msisdn: m, .. })) if m == msisdn => break,
                    Ok(Ok(Event::TerminalRemoved { msisdn: m })) if m == msisdn => break,
                    Ok(Ok(_)) => {}
                    Ok(Err(RecvError::Lagged(_))) => break,
                    Ok(Err(RecvError::Closed)) => return Ok(None),
                }
            }
        }
    }
}
