//! [`Gateway::run_until`]: what a built gateway runs until it is told to
//! stop. It resumes settlements cut short by the last stop, starts the
//! background work (webhook outbox, expiry, delivery receipts, MO replies,
//! the voucher return job), serves the public and merchant listeners, and
//! on shutdown drains HTTP within a grace period, unbinds from the SMSCs
//! and closes the store.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use super::Gateway;
use crate::http::{self, mtls::MtlsListener};
use crate::payments::background;
use crate::webhooks::WebhookWorker;

impl Gateway {
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Gateway {
            state,
            sms,
            reports,
            push,
            vouchers,
            carriers,
            http,
            merchant,
            tls,
            webhooks: webhook_config,
            limits,
            _scratch,
            ..
        } = self;
        let cancel = CancellationToken::new();
        let payments = state.payments.clone();
        payments
            .resume_settlements()
            .await
            .context("resuming settlements cut short by the last stop")?;
        let worker = WebhookWorker::spawn(
            background::outbox(payments.store()),
            webhook_config,
            cancel.clone(),
        )?;
        let expiry = tokio::spawn(
            payments
                .clone()
                .run_expiry(Duration::from_secs(1), cancel.clone()),
        );
        let receipts = tokio::spawn(payments.clone().run_receipts(reports));
        // The one consumer of MO messages: replies to pushes at the service number.
        let mo = sms.take_mo().map(|rx| {
            let number = push.config().service_number.clone();
            let dispatcher = crate::mo::MoDispatcher::new(
                Arc::clone(&sms) as Arc<dyn crate::payments::push::ServiceSms>
            )
            .route(
                &number,
                crate::payments::push::texts::HELP,
                Arc::new(push.clone()),
            );
            tokio::spawn(dispatcher.run(rx, cancel.clone()))
        });
        // Owns the worker: wakes it when a webhook is queued, and on
        // shutdown waits for it to stop.
        let webhooks = {
            let (payments, cancel) = (payments.clone(), cancel.clone());
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = payments.webhook_queued() => worker.wake(),
                    }
                }
                worker.stopped().await;
            })
        };
        let public = http::public_router(state.clone())
            .merge(http::vouchers::router(state.clone(), vouchers.clone()))
            .merge(http::carrier::router(state.clone(), carriers.clone()));
        let voucher_returns = vouchers
            .config()
            .return_job
            .then(|| tokio::spawn(vouchers.clone().run_return_job(cancel.clone())));
        let merchants = http::merchant_router_with_terminals(state.clone(), push.clone())
            .merge(http::carrier::refund::router(state, carriers));
        let mtls = MtlsListener::new(merchant, tls, &limits)?;
        let grace = Duration::from_secs(5);
        let public_task = tokio::spawn(http::serve::serve(
            http,
            public,
            limits,
            cancel.clone(),
            grace,
        ));
        let merchant_task = tokio::spawn(http::serve::serve(
            mtls,
            merchants,
            limits,
            cancel.clone(),
            grace,
        ));
        shutdown.await;
        tracing::info!("shutting down: draining HTTP, unbinding from the SMSCs");
        cancel.cancel();
        let _ = tokio::time::timeout(grace * 2, public_task).await;
        let _ = tokio::time::timeout(grace * 2, merchant_task).await;
        let _ = tokio::time::timeout(grace, webhooks).await;
        expiry.abort();
        if let Some(job) = voucher_returns {
            job.abort();
        }
        if let Some(mo) = mo {
            let _ = tokio::time::timeout(grace, mo).await;
        }
        sms.shutdown().await;
        receipts.abort();
        payments.store().close().await?;
        Ok(())
    }
}
