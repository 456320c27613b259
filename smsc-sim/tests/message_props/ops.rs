//! The steps of the message-store property: a few fixed message ids on two
//! accounts, and proptest strategies that mix every store operation so that
//! most steps hit a message that exists and some hit one that is final.

use proptest::prelude::*;
use smsc_sim::message::{Address, Message, MessageState, Origin};
use smsc_sim::store::{MessageUpdate, Replacement};

/// The messages a sequence plays with; message `i` belongs to
/// `ACCOUNTS[i % 2]`.
pub const IDS: [&str; 4] = ["m0", "m1", "m2", "m3"];
pub const ACCOUNTS: [&str; 2] = ["esme-a", "esme-b"];

/// Which receipt an ack names: the n-th one pending, the n-th one already
/// acknowledged, or one that never existed.
#[derive(Debug, Clone, Copy)]
pub enum AckTarget {
    Pending(usize),
    Acked(usize),
    Unknown,
}

#[derive(Debug, Clone)]
pub enum Op {
    /// One batch, possibly repeating ids or naming stored ones.
    Insert(Vec<usize>),
    Update {
        msg: usize,
        update: MessageUpdate,
    },
    /// The update and, when `receipt`, the receipt the delivery engine would
    /// queue with it (final for a final state, else intermediate).
    Finish {
        msg: usize,
        update: MessageUpdate,
        receipt: bool,
    },
    Cancel {
        msg: usize,
    },
    Replace {
        msg: usize,
        replacement: Replacement,
    },
    Ack(AckTarget),
    IdBlock(u64),
    /// Close the SQLite store and open it again on the same directory.
    Reopen,
}

/// Message `i` as inserted at `now`.
pub fn message(i: usize, now: i64) -> Message {
    Message {
        id: IDS[i].to_owned(),
        account: ACCOUNTS[i % 2].to_owned(),
        service_type: String::new(),
        source: Address {
            ton: 5,
            npi: 0,
            addr: "SHOP".into(),
        },
        dest: Address {
            ton: 1,
            npi: 1,
            addr: format!("4479000000{i}"),
        },
        esm_class: 0,
        protocol_id: 0,
        priority: 0,
        registered_delivery: 1,
        data_coding: 0,
        payload: vec![b'h', b'i', 0, i as u8],
        sar: None,
        submitted_at: now,
        deliver_at: None,
        expires_at: now + 86_400_000,
        state: if i == 3 {
            MessageState::Scheduled
        } else {
            MessageState::Enroute
        },
        done_at: None,
        error_code: 0,
        attempts: 0,
        origin: Origin::Esme,
        set_dpf: false,
    }
}

fn state() -> impl Strategy<Value = MessageState> {
    (0u8..10).prop_map(|v| MessageState::from_u8(v).expect("0..10 are states"))
}

fn update() -> impl Strategy<Value = MessageUpdate> {
    (state(), 0u16..3, 0u32..4, proptest::option::of(0i64..5)).prop_map(
        |(state, error_code, attempts, retry)| MessageUpdate {
            state,
            done_at: state.is_final().then_some(1_700_000_500_000),
            error_code,
            attempts,
            deliver_at: retry.map(|s| 1_700_000_600_000 + s * 1000),
        },
    )
}

fn replacement() -> impl Strategy<Value = Replacement> {
    (
        proptest::collection::vec(any::<u8>(), 0..6),
        proptest::option::of(0u8..9),
        proptest::option::of(0i64..3),
        proptest::option::of(0i64..3),
        0u8..3,
    )
        .prop_map(|(payload, data_coding, at, until, rd)| Replacement {
            payload,
            data_coding,
            deliver_at: at.map(|s| 1_700_000_700_000 + s),
            expires_at: until.map(|s| 1_700_090_000_000 + s),
            registered_delivery: rd,
        })
}

fn op() -> impl Strategy<Value = Op> {
    let msg = 0..IDS.len();
    prop_oneof![
        3 => proptest::collection::vec(0..IDS.len(), 1..4).prop_map(Op::Insert),
        3 => (msg.clone(), update()).prop_map(|(msg, update)| Op::Update { msg, update }),
        4 => (msg.clone(), update(), any::<bool>())
            .prop_map(|(msg, update, receipt)| Op::Finish { msg, update, receipt }),
        2 => msg.clone().prop_map(|msg| Op::Cancel { msg }),
        2 => (msg, replacement()).prop_map(|(msg, replacement)| Op::Replace { msg, replacement }),
        3 => prop_oneof![
            3 => (0usize..4).prop_map(AckTarget::Pending),
            1 => (0usize..4).prop_map(AckTarget::Acked),
            1 => Just(AckTarget::Unknown),
        ]
        .prop_map(Op::Ack),
        1 => (1u64..1000).prop_map(Op::IdBlock),
        1 => Just(Op::Reopen),
    ]
}

/// A sequence of 1 to 30 steps.
pub fn ops() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(op(), 1..30)
}
