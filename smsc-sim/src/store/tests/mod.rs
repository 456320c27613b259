//! Store tests. `behaviour`, `queries` and `receipts` are written once against
//! [`Store`] and run on both backends through `both_backends!`; `durability`
//! `group_commit` and `journal` cover what only the SQLite backend promises
//! (restart, shared commits, replay of what a kill left unapplied).

mod behaviour;
mod durability;
mod group_commit;
mod journal;
mod queries;
mod receipts;

use super::{MessageUpdate, PendingReceipt, Store, SyncMode};
use crate::message::{Address, Message, MessageState};

/// For each named `async fn name(store: Store)` in the invoking module,
/// generates `sqlite::name` (fresh temp dir) and `memory::name` tests.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let store = $crate::store::Store::open_dir(
                        dir.path(),
                        $crate::store::SyncMode::Normal,
                    )
                    .expect("open store");
                    super::$name(store).await;
                }
            )*
        }
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::store::Store::memory()).await;
                }
            )*
        }
    };
}
use both_backends;

/// A message with every optional field set, distinct per `n`.
fn message(id: &str, account: &str, dest: &str, n: u8) -> Message {
    Message {
        id: id.to_owned(),
        account: account.to_owned(),
        service_type: if n.is_multiple_of(2) {
            String::new()
        } else {
            "CMT".into()
        },
        source: Address {
            ton: 5,
            npi: 0,
            addr: format!("SHOP{n}"),
        },
        dest: Address {
            ton: 1,
            npi: 1,
            addr: dest.to_owned(),
        },
        esm_class: 0x40,
        protocol_id: n,
        priority: n % 4,
        registered_delivery: 1,
        data_coding: 8,
        // Binary with zero bytes: the payload is a BLOB, not text.
        payload: vec![0x05, 0x00, 0x03, n, 0x02, 0x01, 0x00, 0xff],
        sar: n.is_multiple_of(3).then_some((0x1234, 2, 1)),
        submitted_at: 1_700_000_000_000 + i64::from(n),
        deliver_at: (n % 2 == 1).then_some(1_700_000_060_000),
        expires_at: 1_700_086_400_000,
        state: MessageState::Enroute,
        done_at: None,
        error_code: 0,
        attempts: 0,
        origin: Default::default(),
        set_dpf: false,
    }
}

/// `count` messages with ids `{prefix}-{i}`, all to `dest`.
fn messages(prefix: &str, count: usize, dest: &str) -> Vec<Message> {
    (0..count)
        .map(|i| message(&format!("{prefix}-{i}"), "gateway", dest, (i % 251) as u8))
        .collect()
}

fn delivered(at: i64) -> MessageUpdate {
    MessageUpdate {
        state: MessageState::Delivered,
        done_at: Some(at),
        error_code: 0,
        attempts: 1,
        deliver_at: None,
    }
}

fn receipt(account: &str, message_id: &str, state: MessageState) -> PendingReceipt {
    PendingReceipt {
        receipt_id: 0,
        account: account.to_owned(),
        message_id: message_id.to_owned(),
        state,
        error_code: 7,
        intermediate: false,
        created_at: 1_700_000_100_000,
    }
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open_dir(dir.path(), SyncMode::Normal).expect("open store")
}

#[test]
fn store_handle_is_clone_send_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<Store>();
}
