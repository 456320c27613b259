//! The task that owns the connection's life: run, reconnect, re-bind, stop.
//!
//! After a session ends it reports `Disconnected`, then (unless the ESME is
//! closing, or the SMSC unbound and the config says not to come back) retries
//! [`open_and_bind`] with exponential backoff, reporting each failure, until a
//! bind succeeds and a new session starts. Callers meanwhile wait on the link
//! state, each within its own timeout. When it stops, the state becomes
//! `Closed`, the window closes (waiting callers get `Closed`) and the event
//! stream ends.

use std::sync::Arc;

use tokio::time::sleep;

use super::{
    Shared,
    connection::open_and_bind,
    events::{DisconnectReason, Event, Events},
    link::LinkState,
    session::{self, Session},
};

pub(crate) async fn supervise(shared: Arc<Shared>, first: Session, events: Events) {
    let mut session = first;
    loop {
        let mut reason = session.run(&shared, &events).await;
        if shared.is_closing() && reason == DisconnectReason::PeerClosed {
            // The SMSC closing after our unbind is the end we asked for.
            reason = DisconnectReason::Local;
        }
        let stop = shared.is_closing()
            || (reason == DisconnectReason::PeerUnbind && !shared.config.reconnect_on_peer_unbind);
        events.lifecycle(Event::Disconnected(reason));
        if stop {
            break;
        }
        match reconnect(&shared, &events).await {
            Some(next) => session = next,
            None => break,
        }
    }
    shared.mark_closing();
    shared.state.send_replace(LinkState::Closed);
    shared.window.close();
}

/// Retry until bound (a new session) or told to stop (`None`).
async fn reconnect(shared: &Shared, events: &Events) -> Option<Session> {
    let backoff = shared.config.reconnect;
    let mut delay = backoff.min;
    loop {
        tokio::select! {
            () = shared.shutdown.cancelled() => return None,
            () = sleep(delay) => {}
        }
        let attempt = tokio::select! {
            () = shared.shutdown.cancelled() => return None,
            attempt = open_and_bind(shared) => attempt,
        };
        match attempt {
            Ok(bound) => return Some(session::start(shared, bound, events)),
            Err(e) => {
                tracing::warn!(error = %e, ?delay, "reconnect failed");
                events.lifecycle(Event::ReconnectFailed(e.to_string()));
                delay = backoff.next(delay);
            }
        }
    }
}
