//! Field layout of the values journal records carry: a [`Message`] (every
//! column the messages table has, in the same order), a [`MessageUpdate`]
//! and a [`PendingReceipt`]. States are their SMPP codes; an unknown code
//! fails the decode like any other damage.

use super::fields::{Reader, Writer};
use crate::message::{Address, Message, MessageState, Origin};
use crate::store::{MessageUpdate, PendingReceipt};

pub fn put_message(w: &mut Writer<'_>, m: &Message) {
    w.str(&m.id);
    w.str(&m.account);
    w.str(&m.service_type);
    for a in [&m.source, &m.dest] {
        w.u8(a.ton);
        w.u8(a.npi);
        w.str(&a.addr);
    }
    for b in [
        m.esm_class,
        m.protocol_id,
        m.priority,
        m.registered_delivery,
        m.data_coding,
    ] {
        w.u8(b);
    }
    w.bytes(&m.payload);
    w.opt(m.sar.as_ref(), |w, &(r, t, s)| {
        w.u16(r);
        w.u8(t);
        w.u8(s);
    });
    w.i64(m.submitted_at);
    w.opt(m.deliver_at.as_ref(), |w, v| w.i64(*v));
    w.i64(m.expires_at);
    w.u8(m.state.as_u8());
    w.opt(m.done_at.as_ref(), |w, v| w.i64(*v));
    w.u16(m.error_code);
    w.u32(m.attempts);
    let (origin, tp_mr) = m.origin.to_columns();
    w.u8(origin);
    w.opt(tp_mr.as_ref(), |w, v| w.u16(*v));
    w.u8(u8::from(m.set_dpf));
}

pub fn get_message(r: &mut Reader<'_>) -> Option<Message> {
    let (id, account, service_type) = (r.str()?, r.str()?, r.str()?);
    let mut address = || -> Option<Address> {
        Some(Address {
            ton: r.u8()?,
            npi: r.u8()?,
            addr: r.str()?,
        })
    };
    let (source, dest) = (address()?, address()?);
    Some(Message {
        id,
        account,
        service_type,
        source,
        dest,
        esm_class: r.u8()?,
        protocol_id: r.u8()?,
        priority: r.u8()?,
        registered_delivery: r.u8()?,
        data_coding: r.u8()?,
        payload: r.bytes()?,
        sar: r.opt(|r| Some((r.u16()?, r.u8()?, r.u8()?)))?,
        submitted_at: r.i64()?,
        deliver_at: r.opt(Reader::i64)?,
        expires_at: r.i64()?,
        state: MessageState::from_u8(r.u8()?)?,
        done_at: r.opt(Reader::i64)?,
        error_code: r.u16()?,
        attempts: r.u32()?,
        origin: Origin::from_columns(r.u8()?, r.opt(Reader::u16)?),
        set_dpf: r.u8()? != 0,
    })
}

pub fn put_update(w: &mut Writer<'_>, u: &MessageUpdate) {
    w.u8(u.state.as_u8());
    w.opt(u.done_at.as_ref(), |w, v| w.i64(*v));
    w.u16(u.error_code);
    w.u32(u.attempts);
    w.opt(u.deliver_at.as_ref(), |w, v| w.i64(*v));
}

pub fn get_update(r: &mut Reader<'_>) -> Option<MessageUpdate> {
    Some(MessageUpdate {
        state: MessageState::from_u8(r.u8()?)?,
        done_at: r.opt(Reader::i64)?,
        error_code: r.u16()?,
        attempts: r.u32()?,
        deliver_at: r.opt(Reader::i64)?,
    })
}

pub fn put_receipt(w: &mut Writer<'_>, p: &PendingReceipt) {
    w.i64(p.receipt_id);
    w.str(&p.account);
    w.str(&p.message_id);
    w.u8(p.state.as_u8());
    w.u16(p.error_code);
    w.u8(u8::from(p.intermediate));
    w.i64(p.created_at);
}

pub fn get_receipt(r: &mut Reader<'_>) -> Option<PendingReceipt> {
    Some(PendingReceipt {
        receipt_id: r.i64()?,
        account: r.str()?,
        message_id: r.str()?,
        state: MessageState::from_u8(r.u8()?)?,
        error_code: r.u16()?,
        intermediate: r.u8()? != 0,
        created_at: r.i64()?,
    })
}
