//! Routing by service number and keyword, help for the rest, answers
//! from the number the message went to.

use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use super::{Dispatched, MoDispatcher, MoHandler};
use crate::payments::push::ServiceSms;
use crate::payments::{SentSms, SmsFailure};
use crate::sms::MoSms;

#[derive(Default)]
struct Outbox(Mutex<Vec<(String, String, String)>>);

impl ServiceSms for Outbox {
    fn send_from<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        _reference: &'a str,
        sender: &'a str,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            let mut sent = self.0.lock().expect("outbox");
            sent.push((msisdn.into(), sender.into(), text.into()));
            Ok(SentSms {
                smsc: "fake".into(),
                message_ids: vec![],
            })
        })
    }
}

struct Echo;

impl MoHandler for Echo {
    fn keywords(&self) -> &[&'static str] {
        &["YES", "NO"]
    }
    fn handle<'a>(&'a self, mo: &'a MoSms) -> BoxFuture<'a, String> {
        Box::pin(async move { format!("got {}", mo.text.trim()) })
    }
}

fn mo(to: &str, text: &str) -> MoSms {
    MoSms {
        smsc: "sim".into(),
        from: "447700900101".into(),
        to: to.into(),
        text: text.into(),
        at: 0,
    }
}

#[tokio::test]
async fn routes_by_number_and_keyword_and_answers_from_the_number() {
    let out = Arc::new(Outbox::default());
    let d = MoDispatcher::new(Arc::clone(&out) as Arc<dyn ServiceSms>).route(
        "7000",
        "help text",
        Arc::new(Echo),
    );
    assert_eq!(
        d.dispatch(&mo("7000", " yes K7Q2 4821")).await,
        Dispatched::Answered("got yes K7Q2 4821".into())
    );
    assert_eq!(
        d.dispatch(&mo("+7000", "balance")).await,
        Dispatched::Answered("help text".into())
    );
    assert_eq!(
        d.dispatch(&mo("7001", "YES 4821")).await,
        Dispatched::NoRoute
    );
    let sent = out.0.lock().expect("outbox").clone();
    assert_eq!(
        sent,
        vec![
            (
                "447700900101".into(),
                "7000".into(),
                "got yes K7Q2 4821".into()
            ),
            ("447700900101".into(), "7000".into(), "help text".into()),
        ]
    );
}
