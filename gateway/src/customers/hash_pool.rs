//! Where argon2id runs: a fixed pool of hashing threads, one per core, each
//! keeping its argon2 memory from one hash to the next.
//!
//! Why not tokio's blocking pool: it grows to hundreds of threads, and every
//! concurrent login would then allocate, fault in and zero its own 19 MiB.
//! A burst of logins could take gigabytes, and the hashing threads would
//! outnumber the runtime's workers and starve the SMPP and HTTP tasks that
//! deliver codes. Here at most [`threads`] hashes run at once, the memory is
//! bounded by threads × m, later requests wait in a bounded queue (callers
//! wait asynchronously for room), and the threads run at a lower scheduling
//! priority (nice [`NICE`]) so that latency-bound work preempts them.
//!
//! [`with_memory`] lends the calling thread's reusable block buffer; the pool
//! threads and blocking callers (CLI, import, benchmarks) both use it.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use argon2::Block;
use tokio::sync::{mpsc, oneshot};

/// How much lower than normal the hashing threads run.
pub const NICE: i32 = 5;
/// Hash requests waiting for a thread before callers wait for room.
const QUEUE: usize = 1024;

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// Grown to the largest m seen on this thread and never shrunk: the next
    /// hash reuses pages already faulted in.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with at least `count` argon2 blocks of this thread's buffer.
pub fn with_memory<T>(count: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    BLOCKS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut blocks) => {
            if blocks.len() < count {
                blocks.resize(count, Block::default());
            }
            f(&mut blocks[..count])
        }
        // Only reachable if `f` itself hashes again; give it its own memory.
        Err(_) => f(&mut vec![Block::default(); count]),
    })
}

/// Hashing threads in this process: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on a hashing thread and returns its result.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PoolGone> {
    let (tx, rx) = oneshot::channel();
    let job: Job = Box::new(move || {
        // The caller may have given up (a dropped request); nothing to tell.
        let _ = tx.send(work());
    });
    pool().send(job).await.map_err(|_| PoolGone)?;
    rx.await.map_err(|_| PoolGone)
}

/// A hashing thread died (a panic inside argon2) or could not start.
#[derive(Debug, thiserror::Error)]
#[error("the password hashing threads are gone")]
pub struct PoolGone;

fn pool() -> &'static mpsc::Sender<Job> {
    static POOL: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads() {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || worker(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        tx
    })
}

fn worker(rx: &Mutex<mpsc::Receiver<Job>>) {
    // Linux keeps a nice value per thread; failing to lower it only costs
    // latency elsewhere, so it is not an error.
    let _ = rustix::process::setpriority_process(None, NICE);
    loop {
        // The lock is held only while waiting for the next job, so one idle
        // thread waits on the channel and the others wait on the lock.
        let job = rx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .blocking_recv();
        match job {
            // A panic inside argon2 drops that caller's reply (it sees
            // PoolGone) but must not cost the pool a thread.
            Some(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_work_off_the_runtime_on_named_threads() {
        let name = run(|| std::thread::current().name().map(str::to_owned))
            .await
            .expect("pool");
        assert!(name.is_some_and(|n| n.starts_with("argon2-")));
    }

    #[tokio::test]
    async fn many_callers_at_once_all_get_their_own_answer() {
        let calls: Vec<_> = (0..200u32)
            .map(|i| tokio::spawn(run(move || i * 2)))
            .collect();
        for (i, call) in calls.into_iter().enumerate() {
            assert_eq!(call.await.expect("task").expect("pool"), i as u32 * 2);
        }
    }

    #[test]
    fn memory_grows_to_the_largest_request_and_is_reused() {
        let first = with_memory(8, |b| b.as_ptr() as usize);
        let len = with_memory(4, |b| b.len());
        let again = with_memory(8, |b| b.as_ptr() as usize);
        assert_eq!(len, 4);
        assert_eq!(first, again, "the same buffer serves later hashes");
    }
}
