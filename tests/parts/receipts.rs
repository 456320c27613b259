//! What an ESME's event stream delivered as receipts, collected in the
//! background: message id → every `stat` received for it, in order, so a
//! test can wait for each id and count repeats.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;
use wire::esme::EventStream;

pub type Receipts = Arc<Mutex<HashMap<String, Vec<String>>>>;

/// Collects the receipts of `events` until the stream ends or the task is
/// aborted; non-receipt events are skipped.
pub fn collect_receipts(mut events: EventStream) -> (Receipts, JoinHandle<()>) {
    let receipts: Receipts = Arc::default();
    let sink = receipts.clone();
    let task = tokio::spawn(async move {
        while let Some(ev) = events.recv().await {
            let Some(fields) = ev.receipt() else { continue };
            let text = String::from_utf8_lossy(&fields.text).into_owned();
            if let Ok(r) = wire::receipt::Receipt::parse(&text) {
                let mut all = sink.lock().expect("receipts");
                all.entry(r.id).or_default().push(r.stat);
            }
        }
    });
    (receipts, task)
}
