//! Group commit. One OS thread owns the SQLite writer connection; callers
//! send it a [`Job`] over a bounded channel and await a tokio oneshot. The
//! thread takes one job, drains whatever else is already queued (bounded by
//! [`MAX_BATCH_OPS`] and [`MAX_BATCH_ROWS`]), runs them all in ONE
//! transaction, commits, and only then replies to every caller — so a reply
//! means "durable", and concurrent sessions share the cost of each commit.
//!
//! If one job breaks the transaction (a duplicate id, an I/O error), the
//! batch is rolled back and each job is rerun alone, so only the culprit sees
//! the error and the others still commit.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::StoreError;

/// Most jobs run in one transaction.
pub const MAX_BATCH_OPS: usize = 1024;
/// Stop draining once the batch writes about this many rows, so one commit
/// (and the latency of every caller waiting on it) stays bounded.
pub const MAX_BATCH_ROWS: usize = 16_384;
/// Queued jobs before callers wait for room (back-pressure).
const QUEUE_CAPACITY: usize = 4096;

/// One caller's work, run by the writer thread inside a transaction.
pub trait Job: Send {
    /// Rows the job writes, to bound the batch.
    fn weight(&self) -> usize;
    /// Runs the work and keeps its result. False when the transaction must be
    /// rolled back (the job may have written part of its rows).
    fn run(&mut self, tx: &Transaction<'_>) -> bool;
    /// Replaces the kept result, when the commit itself failed.
    fn fail(&mut self, err: StoreError);
    /// Sends the kept result to the caller.
    fn reply(self: Box<Self>);
}

struct Call<T, F> {
    work: F,
    weight: usize,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Job for Call<T, F>
where
    T: Send,
    F: FnMut(&Transaction<'_>) -> Result<T, StoreError> + Send,
{
    fn weight(&self) -> usize {
        self.weight
    }

    fn run(&mut self, tx: &Transaction<'_>) -> bool {
        let result = (self.work)(tx);
        let clean = result
            .as_ref()
            .map_or_else(StoreError::leaves_transaction_clean, |_| true);
        self.result = Some(result);
        clean
    }

    fn fail(&mut self, err: StoreError) {
        self.result = Some(Err(err));
    }

    fn reply(self: Box<Self>) {
        let result = self.result.unwrap_or(Err(StoreError::WriterGone));
        // The caller may have given up waiting; nothing to do then.
        let _ = self.reply.send(result);
    }
}

enum Request {
    Job(Box<dyn Job>),
    Close(oneshot::Sender<()>),
}

/// Handle on the writer thread. Dropping it lets the thread finish the
/// queued jobs, close the connection and exit, and waits for that.
pub struct Writer {
    queue: Option<mpsc::Sender<Request>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    commits: Arc<AtomicU64>,
}

impl Writer {
    pub fn spawn(conn: Connection) -> Result<Writer, StoreError> {
        let (queue, rx) = mpsc::channel(QUEUE_CAPACITY);
        let commits = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&commits);
        let thread = std::thread::Builder::new()
            .name("smsc-store-writer".into())
            .spawn(move || run(conn, rx, &counter))
            .map_err(StoreError::Spawn)?;
        Ok(Writer {
            queue: Some(queue),
            thread: Mutex::new(Some(thread)),
            commits,
        })
    }

    /// Runs `work` in the writer's next transaction; returns once committed.
    pub async fn call<T, F>(&self, weight: usize, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let queue = self.queue.as_ref().ok_or(StoreError::WriterGone)?;
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Call {
            work,
            weight,
            result: None,
            reply,
        });
        queue
            .send(Request::Job(job))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Transactions committed so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Commits what was queued before, stops the thread and waits for it.
    /// Jobs queued after the close get [`StoreError::WriterGone`].
    pub async fn close(&self) -> Result<(), StoreError> {
        let Some(queue) = self.queue.as_ref() else {
            return Ok(());
        };
        let (reply, done) = oneshot::channel();
        if queue.send(Request::Close(reply)).await.is_ok() {
            // An error here means the thread already exited: closed before.
            let _ = done.await;
        }
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            // The thread has replied and is returning; joining is brief but
            // still blocking, so keep it off the runtime's workers.
            tokio::task::spawn_blocking(move || thread.join())
                .await?
                .map_err(|_| StoreError::WriterGone)?;
        }
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.queue.take());
        let thread = self
            .thread
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            // Waits for the queued jobs to commit; a panic there was already
            // reported on the thread and every caller got WriterGone.
            let _ = thread.join();
        }
    }
}

fn run(mut conn: Connection, mut rx: mpsc::Receiver<Request>, commits: &AtomicU64) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH_OPS);
    let mut close_reply = None;
    while close_reply.is_none() {
        let Some(first) = rx.blocking_recv() else {
            break;
        };
        let mut rows = 0;
        let mut next = Some(first);
        while let Some(request) = next.take() {
            match request {
                Request::Close(reply) => close_reply = Some(reply),
                Request::Job(job) => {
                    rows += job.weight();
                    batch.push(job);
                    if batch.len() < MAX_BATCH_OPS && rows < MAX_BATCH_ROWS {
                        next = rx.try_recv().ok();
                    }
                }
            }
        }
        if !batch.is_empty() {
            commit_batch(&mut conn, &mut batch, commits);
        }
    }
    // Refuse new work before the (possibly slow) close of the connection.
    drop(rx);
    drop(conn);
    if let Some(reply) = close_reply {
        let _ = reply.send(());
    }
}

fn commit_batch(conn: &mut Connection, batch: &mut Vec<Box<dyn Job>>, commits: &AtomicU64) {
    if run_together(conn, batch).is_ok() {
        commits.fetch_add(1, Ordering::Relaxed);
    } else {
        for job in batch.iter_mut() {
            run_alone(conn, job.as_mut(), commits);
        }
    }
    for job in batch.drain(..) {
        job.reply();
    }
}

fn run_together(conn: &mut Connection, batch: &mut [Box<dyn Job>]) -> Result<(), ()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(drop)?;
    for job in batch.iter_mut() {
        if !job.run(&tx) {
            return Err(()); // dropping tx rolls back
        }
    }
    tx.commit().map_err(drop)
}

fn run_alone(conn: &mut Connection, job: &mut dyn Job, commits: &AtomicU64) {
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(err) => return job.fail(err.into()),
    };
    if job.run(&tx) {
        match tx.commit() {
            Ok(()) => {
                commits.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => job.fail(err.into()),
        }
    }
}
