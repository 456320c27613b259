//! Configuration (placeholder, being written).
