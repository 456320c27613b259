//! A one-line progress indicator on stderr for long benchmark runs:
//! `phase: done/total (rate/s)`, redrawn in place at most five times a
//! second and cleared when the phase ends. Off (every call a no-op) with
//! `--json-only`, so scripts see only the JSON line.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const REDRAW: Duration = Duration::from_millis(200);

#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    phase: String,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            state: Mutex::new(State {
                phase: String::new(),
                started: Instant::now(),
                drawn: None,
            }),
        }
    }

    /// Start a phase (ends the previous one).
    pub fn phase(&self, name: &str) {
        if !self.enabled {
            return;
        }
        self.clear();
        if let Ok(mut s) = self.state.lock() {
            s.phase = name.to_owned();
            s.started = Instant::now();
            s.drawn = None;
        }
        eprint!("{name} ...");
    }

    /// Report `done` of `total`; redrawn only when the last draw is old.
    pub fn update(&self, done: usize, total: usize) {
        if !self.enabled {
            return;
        }
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if s.drawn.is_some_and(|t| t.elapsed() < REDRAW) && done < total {
            return;
        }
        s.drawn = Some(Instant::now());
        let rate = done as f64 / s.started.elapsed().as_secs_f64().max(1e-9);
        eprint!("\r\x1b[K{}: {done}/{total} ({rate:.0}/s)", s.phase);
        let _ = std::io::stderr().flush();
    }

    /// Erase the line.
    pub fn clear(&self) {
        if self.enabled {
            eprint!("\r\x1b[K");
            let _ = std::io::stderr().flush();
        }
    }
}
