//! Message store (placeholder, being written).
