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
/// stay unique across restarts without a write per message. Taking an id is
/// a short lock; only the caller that finds the block used up waits for the
/// store, and the others queue behind it.
#[derive(Debug, Default)]
pub struct IdGen {
    /// Next id and end of the reserved block.
    block: std::sync::Mutex<(u64, u64)>,
    refill: Mutex<()>,
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
        loop {
            if let Some(n) = self.take() {
                return Ok(match format {
                    IdFormat::Hex => format!("{n:x}"),
                    _ => n.to_string(),
                });
            }
            let _refilling = self.refill.lock().await;
            // Another caller may have refilled the block while this one waited.
            if self.has_room() {
                continue;
            }
            let start = store.next_id_block(ID_BLOCK).await?;
            *self.lock() = (start, start + ID_BLOCK);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, u64)> {
        // Two integers, always consistent: a panic elsewhere cannot poison them.
        self.block
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn has_room(&self) -> bool {
        let block = self.lock();
        block.0 < block.1
    }

    fn take(&self) -> Option<u64> {
        let mut block = self.lock();
        (block.0 < block.1).then(|| {
            block.0 += 1;
            block.0 - 1
        })
    }
}

/// Air-link limits and timers.
#[derive(Debug, Clone)]
pub struct AirSettings {
    pub heartbeat: Duration,
    pub deliver_timeout: Duration,
    pub max_frame_len: usize,
    /// Cell connections at once; more are closed at accept.
    pub max_cells: usize,
    /// A connection must say Hello within this.
    pub hello_timeout: Duration,
}

impl Default for AirSettings {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(30),
            deliver_timeout: Duration::from_secs(10),
            max_frame_len: wire::air::DEFAULT_MAX_FRAME_LEN,
            max_cells: 64,
            hello_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug)]
pub struct Core {
    pub settings: SmppSettings,
    pub air_settings: AirSettings,
    pub http_limits: crate::http::HttpLimits,
    pub delivery: crate::config::DeliveryConfig,
    pub hlr: Arc<crate::hlr::Hlr>,
    pub cells: crate::air::Cells,
    pub journal: crate::journal::Journal,
    pub accounts: Accounts,
    pub bind_guard: crate::bind_guard::BindGuard,
    pub store: Store,
    pub switch: SwitchHandle,
    pub faults: Arc<FaultEngine>,
    pub clock: crate::clock::Clock,
    pub stats: Stats,
    pub ids: IdGen,
    /// The operator's carrier-billing books (`[billing]`).
    pub billing: Arc<crate::billing::Billing>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_callers_share_one_block_without_gaps() {
        let store = Store::memory();
        let ids = Arc::new(IdGen::default());
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (ids, store) = (Arc::clone(&ids), store.clone());
            tasks.spawn(async move { ids.next(&store, IdFormat::Decimal).await });
        }
        let mut got: Vec<u64> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|id| id.expect("memory store").parse().expect("decimal"))
            .collect();
        got.sort_unstable();
        // One refill for all 50: a second would leave a gap of a whole block.
        assert_eq!(got.len(), 50);
        assert!(got.windows(2).all(|w| w[1] == w[0] + 1), "{got:?}");
        let next = ids.next(&store, IdFormat::Hex).await.expect("memory store");
        assert_eq!(next, format!("{:x}", got[49] + 1));
    }
}
