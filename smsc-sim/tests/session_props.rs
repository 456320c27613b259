//! Property tests of the SMPP session state machine over a real socket:
//! random sequences of binds (every type, right and wrong credentials, old
//! interface versions), submit_sm, query_sm, enquire_link, unbind, stray
//! responses (generic_nack, deliver_sm_resp, unbind_resp) and unknown
//! command ids, sent in whatever state the session is in, against one
//! smsc-sim on 127.0.0.1:0.
//!
//! Each step must get exactly the response and command_status SMPP 3.4
//! requires in that state (`session_props/model.rs`), with the request's
//! sequence number; steps that need no response get none and leave the
//! link up (an enquire_link probe follows them); the server closes the link
//! only after answering unbind. After every sequence a fresh client binds
//! and is served, so no sequence leaves the server unable to serve.

mod common;
mod session_props {
    pub mod client;
    pub mod model;
    pub mod steps;
}

use std::net::SocketAddr;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use session_props::client::Client;
use session_props::model::{Conn, Credentials, EXTRA_CONFIG, Expect, Kind, Model, Op};
use session_props::steps::{op, send_op};
use wire::smpp::rusmpp::{CommandId, CommandStatus, Pdu};

/// The response to `seq`: its command id and status must be `want`.
async fn expect_response(
    c: &mut Client,
    seq: u32,
    want: (CommandId, CommandStatus),
    op: &Op,
) -> Result<wire::smpp::rusmpp::Command, TestCaseError> {
    let Some(r) = c.next_response().await? else {
        return Err(TestCaseError::fail(format!(
            "link closed instead of answering {op:?}"
        )));
    };
    prop_assert_eq!((r.id(), r.status()), want, "answer to {:?}", op);
    prop_assert_eq!(
        r.sequence_number(),
        seq,
        "sequence number of the answer to {:?}",
        op
    );
    Ok(r)
}

async fn run_step(
    addr: SocketAddr,
    client: &mut Option<Client>,
    model: &mut Model,
    op: &Op,
) -> Result<(), TestCaseError> {
    if model.conn == Conn::Closed {
        *client = Some(Client::connect(addr).await?);
        model.conn = Conn::Open;
    }
    let c = client.as_mut().expect("connected while the model says so");
    let query = match op {
        Op::Query(t) => model.query_target(*t),
        _ => None,
    };
    let submitter = model.submitter();
    let expect = model.step(op);
    let seq = c.next_seq();
    send_op(c, op, seq, query.as_ref().map(|q| q.0.as_str())).await?;
    match expect {
        Expect::Response(id, status) => {
            let r = expect_response(c, seq, (id, status), op).await?;
            match r.pdu() {
                Some(Pdu::SubmitSmResp(_)) => {
                    let id = common::message_id(&r);
                    let account = submitter.expect("a submit is accepted only when bound");
                    prop_assert!(
                        !model.submitted.iter().any(|(m, _)| *m == id),
                        "message id {} handed out twice",
                        id
                    );
                    model.submitted.push((id, account));
                }
                Some(Pdu::QuerySmResp(q)) => {
                    let asked = query.map(|q| q.0).unwrap_or_default();
                    prop_assert_eq!(q.message_id.as_str(), asked.as_str());
                }
                _ => {}
            }
        }
        Expect::ResponseThenClose(id, status) => {
            expect_response(c, seq, (id, status), op).await?;
            if let Some(extra) = c.next_response().await? {
                return Err(TestCaseError::fail(format!(
                    "{extra:?} after the answer to {op:?} instead of a close"
                )));
            }
            *client = None;
        }
        Expect::Nothing => {
            // The next answer must be the probe's: nothing for the step, and
            // the link still up.
            let probe = c.next_seq();
            c.send(CommandStatus::EsmeRok, probe, Pdu::EnquireLink)
                .await?;
            let want = (CommandId::EnquireLinkResp, CommandStatus::EsmeRok);
            expect_response(c, probe, want, op).await?;
        }
        Expect::Hangup => *client = None,
    }
    Ok(())
}

async fn run_case(addr: SocketAddr, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut model = Model::new();
    let mut client = Some(Client::connect(addr).await?);
    for op in &ops {
        run_step(addr, &mut client, &mut model, op).await?;
    }
    // Leave no bind slot held for the next case (rxonly allows one bind).
    if let (Some(c), Conn::Bound { .. }) = (client.as_mut(), model.conn) {
        c.unbind_and_wait_close().await?;
    }
    drop(client);
    // Whatever happened, a fresh client is served.
    let mut fresh = Client::connect(addr).await?;
    let mut check = Model::new();
    for op in [
        Op::Bind {
            kind: Kind::Transceiver,
            credentials: Credentials::Right(0),
            version: 0x34,
        },
        Op::EnquireLink,
        Op::Submit { receipt: false },
    ] {
        let mut slot = Some(fresh);
        run_step(addr, &mut slot, &mut check, &op).await?;
        fresh = slot.expect("still connected");
    }
    fresh.unbind_and_wait_close().await
}

#[test]
fn every_pdu_in_every_state_gets_the_spec_answer() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt.block_on(common::Server::start(EXTRA_CONFIG, None));
    let addr = server.smpp;
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(op(), 1..24), |ops| {
        rt.block_on(run_case(addr, ops))
    });
    rt.block_on(server.stop());
    if let Err(e) = result {
        panic!("{e}");
    }
}
