//! The state every session and the switch share: accounts, store, switch
//! handle, HLR, connected cells, fault engine, journal, clock, limits and
//! counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;

use crate::accounts::{Accounts, IdFormat};
use crate::faults::FaultEngine;
use crate::store::Store;
use crate::switch::SwitchHandle;

/// SMPP-side limits and timers.
#[derive(Debug, Clone)]
pub struct SmppSettings {
    pub max_pdu_len: usize,
    pub bind_timeout: Duration,
    pub inactivity_timeout: Duration,
    pub enquire_link_interval: Duration,
    pub response_timeout: Duration,
    pub drain_timeout: Duration,
    pub default_validity: Duration,
    pub max_validity: Duration,
    /// system_id the SMSC gives in bind responses.
    pub system_id: String,
    /// SMPP connections open at once; more are closed at accept.
    pub max_connections: usize,
}

impl Default for SmppSettings {
    fn default() -> Self {
        Self {
            max_pdu_len: wire::smpp::frame::DEFAULT_MAX_PDU_LEN,
            bind_timeout: Duration::from_secs(30),
            inactivity_timeout: Duration::from_secs(300),
            enquire_link_interval: Duration::from_secs(30),
            response_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(5),
            default_validity: Duration::from_secs(48 * 3600),
            max_validity: Duration::from_secs(7 * 24 * 3600),
            system_id: "smsc-sim".into(),
            max_connections: 1000,
        }
    }
}

/// Counters for the admin API and /metrics.
#[derive(Debug, Default)]
pub struct Stats {
    pub sessions_open: AtomicU64,
    pub binds_total: AtomicU64,
    pub bind_failures: AtomicU64,
    pub submitted: AtomicU64,
    pub rejected: AtomicU64,
    pub throttled: AtomicU64,
    pub queue_full: AtomicU64,
    pub delivered: AtomicU64,
    pub failed: AtomicU64,
    pub receipts_sent: AtomicU64,
    pub receipts_acked: AtomicU64,
    pub mo_sent: AtomicU64,
    pub malformed: AtomicU64,
    pub cells_connected: AtomicU64,
    pub air_malformed: AtomicU64,
}

impl Stats {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Hands out message ids from blocks reserved in the store, so decimal ids
/// stay unique across restarts without a write per message.
#[derive(Debug, Default)]
pub struct IdGen {
    block: Mutex<(u64, u64)>,
}

const ID_BLOCK: u64 = 100_000;

impl IdGen {
    pub async fn next(
        &self,
        store: &Store,
        format: IdFormat,
    ) -> Result<String, crate::store::StoreError> {
        if format == IdFormat::Uuid {
            return Ok(uuid::Uuid::new_v4().to_string());
        }
        let mut block = self.block.lock().await;
        if block.0 >= block.1 {
            let start = store.next_id_block(ID_BLOCK).await?;
            *block = (start, start + ID_BLOCK);
        }
        let n = block.0;
        block.0 += 1;
        Ok(match format {
            IdFormat::Hex => format!("{n:x}"),
            _ => n.to_string(),
        })
    }
}

/// Air-link limits and timers.
#[derive(Debug, Clone)]
pub struct AirSettings {
    pub heartbeat: Duration,
    pub deliver_timeout: Duration,
    pub max_frame_len: usize,
}

impl Default for AirSettings {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(30),
            deliver_timeout: Duration::from_secs(10),
            max_frame_len: wire::air::DEFAULT_MAX_FRAME_LEN,
        }
    }
}

#[derive(Debug)]
pub struct Core {
    pub settings: SmppSettings,
    pub air_settings: AirSettings,
    pub delivery: crate::config::DeliveryConfig,
    pub hlr: Arc<crate::hlr::Hlr>,
    pub cells: crate::air::Cells,
    pub journal: crate::journal::Journal,
    pub accounts: Accounts,
    pub store: Store,
    pub switch: SwitchHandle,
    pub faults: Arc<FaultEngine>,
    pub clock: crate::clock::Clock,
    pub stats: Stats,
    pub ids: IdGen,
}
