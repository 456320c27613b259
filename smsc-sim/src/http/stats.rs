//! `GET /api/stats`: the SMSC's counters, messages by state and each
//! account's binds and outbox, from one [`Snapshot`] that `/metrics` renders
//! too, so both views always agree on names and values.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::AppState;
use super::error::ApiError;
use crate::core::{Core, Stats};
use crate::message::MessageState;
use crate::store::StoreError;

/// One monotonically increasing counter of [`Stats`].
#[derive(Debug, Clone, Copy)]
pub struct Counter {
    /// Key in `/api/stats`; `/metrics` names it `smsc_<name>[_total]`.
    pub name: &'static str,
    pub help: &'static str,
    pub value: u64,
}

#[derive(Debug, Serialize)]
pub struct AccountStats {
    pub system_id: String,
    pub bound_sessions: usize,
    pub bound_receivers: usize,
    /// deliver_sm (receipts, MO) waiting for a receiver bind.
    pub outbox: usize,
}

/// Everything both stats views show, read at one moment.
#[derive(Debug)]
pub struct Snapshot {
    pub sessions_open: u64,
    /// Handset subscribers by state word.
    pub handsets: BTreeMap<&'static str, u64>,
    /// Connected cells.
    pub cells: usize,
    pub counters: Vec<Counter>,
    /// Every state, zero included, in message_state order.
    pub messages: Vec<(MessageState, u64)>,
    /// Sorted by system_id.
    pub accounts: Vec<AccountStats>,
}

fn counters(s: &Stats) -> Vec<Counter> {
    let c = |name, help, v: &AtomicU64| Counter {
        name,
        help,
        value: v.load(Ordering::Relaxed),
    };
    vec![
        c("binds_total", "Successful binds.", &s.binds_total),
        c(
            "bind_failures",
            "Binds refused (credentials, bind type, bind limit).",
            &s.bind_failures,
        ),
        c(
            "submitted",
            "Messages accepted with submit_sm_resp OK.",
            &s.submitted,
        ),
        c(
            "rejected",
            "Submits answered with an error status.",
            &s.rejected,
        ),
        c(
            "throttled",
            "Submits answered ESME_RTHROTTLED.",
            &s.throttled,
        ),
        c(
            "queue_full",
            "Requests answered ESME_RMSGQFUL (window full).",
            &s.queue_full,
        ),
        c(
            "delivered",
            "Messages that reached DELIVERED.",
            &s.delivered,
        ),
        c(
            "failed",
            "Messages that reached a final state other than DELIVERED.",
            &s.failed,
        ),
        c(
            "cells_connected",
            "Air-link connections accepted from cells.",
            &s.cells_connected,
        ),
        c(
            "air_malformed",
            "Air-link frames answered with an Error frame.",
            &s.air_malformed,
        ),
        c(
            "receipts_sent",
            "Delivery receipts queued for a receiver.",
            &s.receipts_sent,
        ),
        c(
            "receipts_acked",
            "Delivery receipts acknowledged by the ESME.",
            &s.receipts_acked,
        ),
        c(
            "mo_sent",
            "Mobile-originated messages acknowledged by the ESME.",
            &s.mo_sent,
        ),
        c("malformed", "Malformed PDUs received.", &s.malformed),
    ]
}

pub(super) async fn snapshot(core: &Core) -> Result<Snapshot, StoreError> {
    let by_state = core.store.counts_by_state().await?;
    let messages = (0..=u8::MAX)
        .map_while(MessageState::from_u8)
        .map(|s| (s, by_state.get(&s).copied().unwrap_or(0)))
        .collect();
    let mut accounts: Vec<AccountStats> = core
        .accounts
        .iter()
        .map(|a| AccountStats {
            system_id: a.policy.system_id.as_str().to_owned(),
            bound_sessions: a.bound_sessions(),
            bound_receivers: a.bound_receivers(),
            outbox: a.outbox.len(),
        })
        .collect();
    accounts.sort_by(|a, b| a.system_id.cmp(&b.system_id));
    let mut handsets = core.hlr.handset_states();
    for state in ["attached", "detached", "memory_full", "barred", "roaming"] {
        handsets.entry(state).or_insert(0);
    }
    Ok(Snapshot {
        sessions_open: core.stats.sessions_open.load(Ordering::Relaxed),
        handsets,
        cells: core.cells.list().len(),
        counters: counters(&core.stats),
        messages,
        accounts,
    })
}

#[derive(Debug, Serialize)]
pub struct StatsView {
    sessions_open: u64,
    handsets: BTreeMap<&'static str, u64>,
    cells: usize,
    counters: BTreeMap<&'static str, u64>,
    messages: BTreeMap<MessageState, u64>,
    accounts: Vec<AccountStats>,
}

impl From<Snapshot> for StatsView {
    fn from(s: Snapshot) -> Self {
        StatsView {
            sessions_open: s.sessions_open,
            handsets: s.handsets,
            cells: s.cells,
            counters: s.counters.iter().map(|c| (c.name, c.value)).collect(),
            messages: s.messages.into_iter().collect(),
            accounts: s.accounts,
        }
    }
}

pub(super) async fn stats(State(app): State<AppState>) -> Result<Json<StatsView>, ApiError> {
    Ok(Json(snapshot(&app.core).await?.into()))
}
