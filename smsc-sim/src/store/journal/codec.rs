//! Byte layout of one journal record and of the [`Op`] it carries.
//!
//! A record is `len: u32 LE | crc: u32 LE | payload`, where the CRC-32
//! (IEEE) covers the payload and the payload is `seq: u64 LE | tag: u8 |
//! fields`. Integers are little-endian, strings and byte strings are a
//! `u32` length and the bytes, optional values a 0/1 byte before the value.
//! Decoding never panics: a short, oversized or mismatching record reads as
//! `None`, which replay treats as the torn end of the journal.

use super::fields::{Reader, Writer, crc32};
use super::values::{get_message, get_receipt, get_update, put_message, put_receipt, put_update};
use crate::message::Message;
use crate::store::{MessageUpdate, PendingReceipt, Replacement};

/// Largest payload a record may claim; anything bigger is corruption.
const MAX_RECORD: usize = 64 * 1024 * 1024;

/// A validated write, as journaled and later applied to SQLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// New messages, all or none.
    Insert(Vec<Message>),
    /// A delivery outcome and, if given, its receipt (its id assigned), in
    /// one record so neither becomes durable without the other.
    Update {
        id: String,
        update: MessageUpdate,
        receipt: Option<PendingReceipt>,
    },
    Replace {
        id: String,
        replacement: Replacement,
    },
    Cancel {
        id: String,
        done_at: i64,
    },
    /// A receipt on its own (an intermediate notification), id assigned.
    Receipt(PendingReceipt),
    Ack(i64),
    /// Ids `first..first + n` are reserved.
    IdBlock {
        first: u64,
        n: u64,
    },
}

/// Appends the record for `op` with sequence number `seq` to `out`.
pub fn encode(out: &mut Vec<u8>, seq: u64, op: &Op) {
    let start = out.len();
    out.extend_from_slice(&[0; 8]);
    let mut w = Writer(out);
    w.u64(seq);
    match op {
        Op::Insert(messages) => {
            w.u8(0);
            w.u32(messages.len() as u32);
            messages.iter().for_each(|m| put_message(&mut w, m));
        }
        Op::Update {
            id,
            update,
            receipt,
        } => {
            w.u8(1);
            w.str(id);
            put_update(&mut w, update);
            w.opt(receipt.as_ref(), put_receipt);
        }
        Op::Replace { id, replacement: r } => {
            w.u8(2);
            w.str(id);
            w.bytes(&r.payload);
            w.opt(r.data_coding.as_ref(), |w, v| w.u8(*v));
            w.opt(r.deliver_at.as_ref(), |w, v| w.i64(*v));
            w.opt(r.expires_at.as_ref(), |w, v| w.i64(*v));
            w.u8(r.registered_delivery);
        }
        Op::Cancel { id, done_at } => {
            w.u8(3);
            w.str(id);
            w.i64(*done_at);
        }
        Op::Receipt(r) => {
            w.u8(4);
            put_receipt(&mut w, r);
        }
        Op::Ack(id) => {
            w.u8(5);
            w.i64(*id);
        }
        Op::IdBlock { first, n } => {
            w.u8(6);
            w.u64(*first);
            w.u64(*n);
        }
    }
    let payload_len = (out.len() - start - 8) as u32;
    let crc = crc32(&out[start + 8..]);
    out[start..start + 4].copy_from_slice(&payload_len.to_le_bytes());
    out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

/// Decodes the record at the start of `buf`: its sequence number, its op and
/// its total length. `None` when the record is incomplete or damaged.
pub fn decode(buf: &[u8]) -> Option<(u64, Op, usize)> {
    let len = u32::from_le_bytes(buf.get(..4)?.try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(buf.get(4..8)?.try_into().ok()?);
    if len > MAX_RECORD {
        return None;
    }
    let payload = buf.get(8..8 + len)?;
    if crc32(payload) != crc {
        return None;
    }
    let mut r = Reader::new(payload);
    let seq = r.u64()?;
    let op = match r.u8()? {
        0 => {
            let n = r.u32()? as usize;
            // Each message takes well over one byte: a count beyond the
            // payload is damage, not a reason to allocate.
            let mut messages = Vec::with_capacity(n.min(payload.len()));
            for _ in 0..n {
                messages.push(get_message(&mut r)?);
            }
            Op::Insert(messages)
        }
        1 => Op::Update {
            id: r.str()?,
            update: get_update(&mut r)?,
            receipt: r.opt(get_receipt)?,
        },
        2 => Op::Replace {
            id: r.str()?,
            replacement: Replacement {
                payload: r.bytes()?,
                data_coding: r.opt(Reader::u8)?,
                deliver_at: r.opt(Reader::i64)?,
                expires_at: r.opt(Reader::i64)?,
                registered_delivery: r.u8()?,
            },
        },
        3 => Op::Cancel {
            id: r.str()?,
            done_at: r.i64()?,
        },
        4 => Op::Receipt(get_receipt(&mut r)?),
        5 => Op::Ack(r.i64()?),
        6 => Op::IdBlock {
            first: r.u64()?,
            n: r.u64()?,
        },
        _ => return None,
    };
    r.is_empty().then_some((seq, op, 8 + len))
}
