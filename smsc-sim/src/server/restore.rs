//! Restart: what the store holds unfinished goes back where it was going.

use std::sync::Arc;

use crate::core::Core;
use crate::outbox::{Outgoing, OutgoingKind};

/// Hand undelivered messages back to the switch and queued receipts to their outboxes.
pub(super) async fn restore(core: &Arc<Core>) -> anyhow::Result<()> {
    let unfinished = core.store.unfinished().await?;
    let mut receipts = 0;
    for account in core.accounts.iter() {
        for r in core
            .store
            .pending_receipts(account.policy.system_id.as_str(), usize::MAX)
            .await?
        {
            let Some(m) = core.store.get(&r.message_id).await? else {
                continue;
            };
            let pdu = crate::receipts::receipt_pdu(
                &m,
                r.state,
                r.error_code,
                m.done_at.unwrap_or(r.created_at),
                r.intermediate,
            );
            account
                .outbox
                .push(Outgoing::new(OutgoingKind::Receipt(r.receipt_id), pdu));
            receipts += 1;
        }
    }
    let mo = crate::mo::requeue(core, &unfinished);
    tracing::info!(
        messages = unfinished.len() - mo,
        mo,
        receipts,
        "restored from the store"
    );
    for m in unfinished.into_iter().filter(|m| !m.origin.is_mo()) {
        core.switch.submit(m).await;
    }
    Ok(())
}
