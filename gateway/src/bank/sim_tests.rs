//! SimBank as a running service: simulated outages and latency, persistence in `bank.db`
//! across reopening, schema versions, and concurrent transfers from one account.

use std::sync::Arc;

use super::tests::{balances, bank_with, declined, gbp, pay};
use super::*;

#[tokio::test]
async fn failure_rate_one_is_unavailable_and_moves_or_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let flaky = SimBankConfig {
        failure_rate: 1.0,
        ..SimBankConfig::default()
    };
    let t = {
        let bank = SimBank::open_dir(dir.path(), flaky).unwrap();
        bank.open_account("C1", "Alice", gbp(1_000), None)
            .await
            .unwrap();
        bank.open_account("M1", "ACME", gbp(0), None).await.unwrap();
        let t = pay("C1", "M1", gbp(100));
        assert_eq!(bank.transfer(t.clone()).await, Err(BankError::Unavailable));
        assert_eq!(balances(&bank).await, (1_000, 0));
        t
    };
    // Nothing was recorded for the payment: once the bank is back, the retry goes through.
    let bank = SimBank::open_dir(dir.path(), SimBankConfig::default()).unwrap();
    assert!(bank.transfer(t).await.unwrap().is_approved());
    assert_eq!(balances(&bank).await, (900, 100));
}

#[tokio::test]
async fn seeded_failures_are_reproducible() {
    let config = SimBankConfig {
        failure_rate: 0.5,
        seed: 42,
        ..SimBankConfig::default()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let bank = bank_with(config.clone(), 1_000_000, None).await;
        let mut pattern = Vec::new();
        for _ in 0..32 {
            pattern.push(bank.transfer(pay("C1", "M1", gbp(1))).await.is_err());
        }
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].contains(&true) && runs[0].contains(&false),
        "{:?}",
        runs[0]
    );
    assert!(
        SimBank::memory(SimBankConfig {
            failure_rate: 1.5,
            ..config
        })
        .is_err()
    );
}

#[tokio::test(start_paused = true)]
async fn latency_delays_the_answer() {
    let config = SimBankConfig {
        latency_ms: 750,
        ..SimBankConfig::default()
    };
    let bank = bank_with(config, 1_000, None).await;
    let started = tokio::time::Instant::now();
    assert!(
        bank.transfer(pay("C1", "M1", gbp(1)))
            .await
            .unwrap()
            .is_approved()
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(750));
}

#[tokio::test]
async fn reopening_from_disk_keeps_balances_and_transfers() {
    let dir = tempfile::tempdir().unwrap();
    let t = pay("C1", "M1", gbp(250));
    let first = {
        let bank = SimBank::open_dir(dir.path(), SimBankConfig::default()).unwrap();
        bank.open_account("C1", "Alice", gbp(1_000), Some(5_000))
            .await
            .unwrap();
        bank.open_account("M1", "ACME", gbp(0), None).await.unwrap();
        bank.transfer(t.clone()).await.unwrap()
    };
    assert!(dir.path().join("bank.db").exists());
    let bank = SimBank::open_dir(dir.path(), SimBankConfig::default()).unwrap();
    assert_eq!(balances(&bank).await, (750, 250));
    assert_eq!(
        bank.transfer(t).await.unwrap(),
        first,
        "replay survives a restart"
    );
    assert!(
        !bank
            .open_account("C1", "Mallory", gbp(9_999), None)
            .await
            .unwrap()
    );
    let accounts = bank.accounts().await.unwrap();
    let summary: Vec<_> = accounts
        .iter()
        .map(|a| {
            (
                a.number.as_str(),
                a.holder.as_str(),
                a.balance.minor,
                a.daily_limit_minor,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("C1", "Alice", 750, Some(5_000)), ("M1", "ACME", 250, None)]
    );
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SimBank::open_dir(dir.path(), SimBankConfig::default()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("bank.db")).unwrap();
    conn.execute("INSERT INTO schema_version (version) VALUES (99)", [])
        .unwrap();
    drop(conn);
    let err = SimBank::open_dir(dir.path(), SimBankConfig::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("schema version 99"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transfers_from_one_account_never_overdraw() {
    let sim = Arc::new(bank_with(SimBankConfig::default(), 100, None).await);
    let bank: Arc<dyn Bank> = sim.clone();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let bank = bank.clone();
            tokio::spawn(async move { bank.transfer(pay("C1", "M1", gbp(10))).await.unwrap() })
        })
        .collect();
    let mut approved = 0;
    for task in tasks {
        match task.await.unwrap() {
            BankOutcome::Approved { .. } => approved += 1,
            other => assert_eq!(other, declined(DeclineReason::InsufficientFunds)),
        }
    }
    assert_eq!(approved, 10);
    assert_eq!(balances(&sim).await, (0, 100));
}
