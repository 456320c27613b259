//! The gateway's one consumer of mobile-originated SMS
//! (`SmsGateway::take_mo`): [`MoDispatcher`] routes each [`MoSms`] by the
//! service number it was sent to, then by its first word to the
//! [`MoHandler`] that claims that keyword, and sends the handler's answer
//! back from the same service number. A message to a number no route
//! knows is dropped (logged without its text: it may hold a PIN); one
//! whose keyword no handler claims gets the number's help text. Messages
//! are handled one after another, so two replies from one phone cannot
//! race each other through the same payment.

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::payments::push::{PushService, ServiceSms, reply, texts};
use crate::sms::MoSms;

/// Answers the MO messages that start with one of its keywords.
pub trait MoHandler: Send + Sync {
    /// Upper-case first words this handler takes.
    fn keywords(&self) -> &[&'static str];
    /// The answer SMS to send back to the sender.
    fn handle<'a>(&'a self, mo: &'a MoSms) -> BoxFuture<'a, String>;
}

/// What the dispatcher did with a message (for tests and logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatched {
    /// Answered by a handler or with help; the text sent back.
    Answered(String),
    /// Sent to a number no route serves.
    NoRoute,
}

struct Route {
    help: String,
    handlers: Vec<Arc<dyn MoHandler>>,
}

/// Routes MO messages; see the module docs.
pub struct MoDispatcher {
    routes: HashMap<String, Route>,
    sms: Arc<dyn ServiceSms>,
}

impl std::fmt::Debug for MoDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MoDispatcher")
            .field("numbers", &self.routes.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl MoDispatcher {
    pub fn new(sms: Arc<dyn ServiceSms>) -> MoDispatcher {
        MoDispatcher {
            routes: HashMap::new(),
            sms,
        }
    }

    /// Serves `number` with `handler`; `help` answers unknown keywords.
    pub fn route(mut self, number: &str, help: &str, handler: Arc<dyn MoHandler>) -> Self {
        let route = self.routes.entry(digits(number)).or_insert_with(|| Route {
            help: help.to_owned(),
            handlers: Vec::new(),
        });
        route.handlers.push(handler);
        self
    }

    /// Handles one message and sends the answer.
    pub async fn dispatch(&self, mo: &MoSms) -> Dispatched {
        let number = digits(&mo.to);
        let Some(route) = self.routes.get(&number) else {
            tracing::info!(smsc = %mo.smsc, to = %mo.to, "MO to a number no service uses; dropped");
            return Dispatched::NoRoute;
        };
        let keyword = mo
            .text
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let handler = route
            .handlers
            .iter()
            .find(|h| h.keywords().contains(&keyword.as_str()));
        let answer = match handler {
            Some(h) => h.handle(mo).await,
            None => route.help.clone(),
        };
        // The number and keyword only: the rest may be a PIN.
        tracing::info!(to = %number, keyword = %log_keyword(&keyword), "MO answered");
        if let Err(e) = self
            .sms
            .send_from(&mo.from, &answer, "mo-answer", &number)
            .await
        {
            tracing::warn!(to = %mo.from, error = %e, "answer to an MO not sent");
        }
        Dispatched::Answered(answer)
    }

    /// Dispatches every message of `mo` until it ends or `cancel` fires.
    pub async fn run(self, mut mo: mpsc::Receiver<MoSms>, cancel: CancellationToken) {
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => return,
                next = mo.recv() => next,
            };
            match next {
                Some(m) => {
                    self.dispatch(&m).await;
                }
                None => return,
            }
        }
    }
}

/// A keyword fit for the log: a known one, else "other" (an unknown first
/// word may be anything the customer typed, a PIN included).
fn log_keyword(k: &str) -> &'static str {
    reply::KEYWORDS
        .iter()
        .find(|w| **w == k)
        .copied()
        .unwrap_or("other")
}

impl MoHandler for PushService {
    fn keywords(&self) -> &[&'static str] {
        &reply::KEYWORDS
    }

    fn handle<'a>(&'a self, mo: &'a MoSms) -> BoxFuture<'a, String> {
        Box::pin(async move {
            match self.answer(&mo.from, &mo.text).await {
                Ok(answer) => answer,
                Err(e) => {
                    tracing::error!(error = %e, "handling a reply to a push failed");
                    texts::UNAVAILABLE.to_owned()
                }
            }
        })
    }
}

#[cfg(test)]
mod tests;
