//! The client's side of each step of the session property: the PDU it
//! sends (binds with any credentials and interface version, submit_sm,
//! query_sm, stray responses, raw headers with undefined command ids) and
//! the proptest strategy that mixes them.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use wire::smpp::rusmpp::pdus::{BindReceiver, BindTransceiver, BindTransmitter, QuerySm};
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::InterfaceVersion;
use wire::smpp::rusmpp::{CommandStatus, Pdu};

use super::client::Client;
use super::model::{ACCOUNTS, Credentials, Kind, Op, QueryTarget};
use crate::common;

/// Sequence numbers for our stray responses, far from any the server uses.
const STRAY_SEQ: u32 = 0x7000_0000;

fn cstr<const N: usize>(s: &str) -> COctetString<1, N> {
    COctetString::from_string(s.to_owned()).expect("test strings fit")
}

fn bind_pdu(kind: Kind, credentials: Credentials, version: u8) -> Pdu {
    let (system_id, password) = match credentials {
        Credentials::Right(a) => (ACCOUNTS[a].0, ACCOUNTS[a].1),
        Credentials::WrongPassword(a) => (ACCOUNTS[a].0, "nope"),
        Credentials::UnknownSystemId => ("nobody", "nope"),
    };
    let v = InterfaceVersion::from(version);
    match kind {
        Kind::Transmitter => BindTransmitter::builder()
            .system_id(cstr(system_id))
            .password(cstr(password))
            .interface_version(v)
            .build()
            .into(),
        Kind::Receiver => BindReceiver::builder()
            .system_id(cstr(system_id))
            .password(cstr(password))
            .interface_version(v)
            .build()
            .into(),
        Kind::Transceiver => BindTransceiver::builder()
            .system_id(cstr(system_id))
            .password(cstr(password))
            .interface_version(v)
            .build()
            .into(),
    }
}

pub fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![
        Just(Kind::Transmitter),
        Just(Kind::Receiver),
        Just(Kind::Transceiver)
    ];
    let credentials = prop_oneof![
        5 => (0..ACCOUNTS.len()).prop_map(Credentials::Right),
        1 => (0..ACCOUNTS.len()).prop_map(Credentials::WrongPassword),
        1 => Just(Credentials::UnknownSystemId),
    ];
    let version = prop_oneof![4 => Just(0x34u8), 1 => Just(0x33u8), 1 => Just(0x50u8)];
    // Request ids SMPP 3.4 and 5.0 leave undefined.
    let unknown = prop_oneof![
        Just(0x0Au32),
        Just(0x0C),
        Just(0x10),
        Just(0x16),
        Just(0x22),
        Just(0xFF),
        Just(0x104),
        Just(0x114),
        Just(0x1FF),
        Just(0x0123_4567),
    ];
    prop_oneof![
        5 => (kind, credentials, version).prop_map(|(kind, credentials, version)| Op::Bind {
            kind,
            credentials,
            version
        }),
        4 => any::<bool>().prop_map(|receipt| Op::Submit { receipt }),
        2 => prop_oneof![
            3 => (0usize..8).prop_map(QueryTarget::Submitted),
            1 => Just(QueryTarget::Unknown)
        ]
        .prop_map(Op::Query),
        1 => Just(Op::EnquireLink),
        2 => Just(Op::Unbind),
        1 => Just(Op::GenericNack),
        1 => Just(Op::DeliverSmResp),
        1 => Just(Op::UnbindResp),
        1 => unknown.prop_map(Op::UnknownCommand),
        1 => Just(Op::Hangup),
    ]
}

/// Sends the PDU of `op` with `seq` (a hangup sends nothing).
pub async fn send_op(
    c: &mut Client,
    op: &Op,
    seq: u32,
    query: Option<&str>,
) -> Result<(), TestCaseError> {
    let ok = CommandStatus::EsmeRok;
    match op {
        Op::Bind {
            kind,
            credentials,
            version,
        } => {
            c.send(ok, seq, bind_pdu(*kind, *credentials, *version))
                .await?
        }
        Op::Submit { receipt } => {
            let sm = common::submit("447700900123", "property", u8::from(*receipt));
            c.send(ok, seq, sm.into()).await?
        }
        Op::Query(_) => {
            let q = QuerySm::builder()
                .message_id(cstr(query.unwrap_or("no-such-id")))
                .build();
            c.send(ok, seq, q.into()).await?
        }
        Op::EnquireLink => c.send(ok, seq, Pdu::EnquireLink).await?,
        Op::Unbind => c.send(ok, seq, Pdu::Unbind).await?,
        Op::GenericNack => {
            let status = CommandStatus::EsmeRinvcmdid;
            c.send(status, STRAY_SEQ + seq, Pdu::GenericNack).await?
        }
        Op::DeliverSmResp => {
            let pdu = Pdu::DeliverSmResp(Default::default());
            c.send(ok, STRAY_SEQ + seq, pdu).await?
        }
        Op::UnbindResp => c.send(ok, STRAY_SEQ + seq, Pdu::UnbindResp).await?,
        Op::UnknownCommand(id) => c.send_raw(&common::raw(16, *id, seq, &[])).await?,
        Op::Hangup => {}
    }
    Ok(())
}
