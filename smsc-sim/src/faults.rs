//! Fault injection (placeholder, being written).
