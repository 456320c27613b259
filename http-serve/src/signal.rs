//! The process-wide stop request every server binary waits for: the first
//! SIGINT or SIGTERM. The handlers are installed when [`shutdown_signal`]
//! returns, not when its future is first polled, so a signal sent right
//! after a ready line (as scripts and tests do) starts a graceful stop
//! instead of killing the process.

use std::future::Future;
use std::io;

/// Resolves at the first SIGINT or SIGTERM.
#[cfg(unix)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {},
            _ = term.recv() => {},
        }
    })
}

/// Resolves at Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
