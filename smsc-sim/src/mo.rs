//! Mobile-originated messages: from a handset (over the air link) or from the
//! admin API, to the ESME account whose address_range claims the
//! destination.
//!
//! [`accept`] routes an [`MoSubmission`], gives it a message id, stores it as
//! ENROUTE (so an acknowledged MO survives a restart even while no receiver
//! is bound) and queues its deliver_sm on the account's outbox. A receiver
//! session sends it; on deliver_sm_resp the session calls [`acknowledged`],
//! which records DELIVERED and, when the handset asked for one, sends the
//! handset its SMS-STATUS-REPORT. [`requeue`] puts stored, unacknowledged MO
//! messages back on their outboxes after a restart.

use std::sync::Arc;

use wire::smpp::esm;
use wire::smpp::rusmpp::pdus::DeliverSm;
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{DataCoding, Npi, Ton};

use crate::core::{Core, Stats};
use crate::message::{Address, Message, MessageState, Origin};
use crate::outbox::{Outgoing, OutgoingKind};
use crate::store::{MessageUpdate, StoreError};

/// A mobile-originated message before routing.
#[derive(Debug, Clone)]
pub struct MoSubmission {
    pub source: Address,
    pub dest: Address,
    /// esm_class bits of the user data: UDHI (0x40) when `payload` starts with a UDH.
    pub esm_class: u8,
    pub protocol_id: u8,
    pub data_coding: u8,
    pub payload: Vec<u8>,
    pub origin: Origin,
}

#[derive(Debug, thiserror::Error)]
pub enum MoError {
    #[error("no account's address_range matches {0:?}")]
    NoRoute(String),
    #[error("MO message cannot be encoded as deliver_sm: {0}")]
    Encoding(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The deliver_sm carrying `m` to its ESME.
pub fn deliver_sm(m: &Message) -> Result<DeliverSm, MoError> {
    let addr = |a: &Address| {
        COctetString::<1, 21>::from_string(a.addr.to_owned())
            .map_err(|e| MoError::Encoding(format!("address {:?}: {e:?}", a.addr)))
    };
    let short_message = OctetString::from_slice(&m.payload)
        .map_err(|e| MoError::Encoding(format!("user data: {e:?}")))?;
    Ok(DeliverSm::builder()
        .source_addr_ton(Ton::from(m.source.ton))
        .source_addr_npi(Npi::from(m.source.npi))
        .source_addr(addr(&m.source)?)
        .dest_addr_ton(Ton::from(m.dest.ton))
        .dest_addr_npi(Npi::from(m.dest.npi))
        .destination_addr(addr(&m.dest)?)
        .esm_class(esm::esm_class(m.esm_class & esm::UDHI))
        .protocol_id(m.protocol_id)
        .data_coding(DataCoding::from(m.data_coding))
        .short_message(short_message)
        .build())
}

/// Route, store and queue `mo`; returns (message id, account system_id).
/// Once this returns Ok the message is on disk and will reach the ESME.
pub async fn accept(core: &Arc<Core>, mo: MoSubmission) -> Result<(String, String), MoError> {
    let account = core
        .accounts
        .route_mo(&mo.dest.addr)
        .ok_or_else(|| MoError::NoRoute(mo.dest.addr.clone()))?;
    let system_id = account.policy.system_id.as_str().to_owned();
    let id = core
        .ids
        .next(&core.store, account.policy.message_id_format)
        .await?;
    let now = core.clock.now_ms();
    let validity = i64::try_from(core.settings.default_validity.as_millis()).unwrap_or(i64::MAX);
    let message = Message {
        id: id.clone(),
        account: system_id.clone(),
        service_type: String::new(),
        source: mo.source,
        dest: mo.dest,
        esm_class: mo.esm_class & esm::UDHI,
        protocol_id: mo.protocol_id,
        priority: 0,
        registered_delivery: 0,
        data_coding: mo.data_coding,
        payload: mo.payload,
        sar: None,
        submitted_at: now,
        deliver_at: None,
        expires_at: now.saturating_add(validity),
        state: MessageState::Enroute,
        done_at: None,
        error_code: 0,
        attempts: 0,
        origin: mo.origin,
        set_dpf: false,
    };
    let pdu = deliver_sm(&message)?;
    core.store.insert(vec![message.clone()]).await?;
    core.journal.record(
        &message.source.addr,
        &id,
        "mo-accepted",
        format!("to {} for account {system_id}", message.dest.addr),
    );
    account
        .outbox
        .push(Outgoing::new(OutgoingKind::Mo(Box::new(message)), pdu));
    Ok((id, system_id))
}

/// The ESME acknowledged `m`: record DELIVERED and answer a status report request.
pub async fn acknowledged(core: &Arc<Core>, m: &Message) {
    Stats::inc(&core.stats.mo_sent);
    let done_at = core.clock.now_ms();
    let update = MessageUpdate {
        state: MessageState::Delivered,
        done_at: Some(done_at),
        error_code: 0,
        attempts: m.attempts + 1,
        deliver_at: None,
    };
    if let Err(e) = core.store.update(&m.id, update).await {
        tracing::error!(error = %e, "recording a delivered MO message failed");
    }
    core.journal.record(
        &m.source.addr,
        &m.id,
        "mo-delivered",
        format!("acknowledged by account {}", m.account),
    );
    if let Origin::HandsetMo {
        tp_mr,
        status_report: true,
    } = m.origin
    {
        crate::air::status_report(core, m, tp_mr, done_at).await;
    }
}

/// After a restart: queue every stored MO message not yet acknowledged.
pub fn requeue(core: &Core, unfinished: &[Message]) -> usize {
    let mut n = 0;
    for m in unfinished.iter().filter(|m| m.origin.is_mo()) {
        let Some(account) = core.accounts.get(&m.account) else {
            tracing::warn!(
                id = m.id,
                account = m.account,
                "MO for an account no longer configured"
            );
            continue;
        };
        match deliver_sm(m) {
            Ok(pdu) => {
                account
                    .outbox
                    .push(Outgoing::new(OutgoingKind::Mo(Box::new(m.clone())), pdu));
                n += 1;
            }
            Err(e) => tracing::error!(id = m.id, error = %e, "stored MO cannot be re-sent"),
        }
    }
    n
}
