//! Durations in the config file are whole seconds (`*_s`) or milliseconds
//! (`*_ms`); these serde helpers turn them into `Duration`s as they are read,
//! rejecting zero where zero would make no sense and mapping zero to "off"
//! where the field documents that.

use std::time::Duration;

use serde::Deserialize;
use serde::de::{Deserializer, Error};

fn positive<E: Error>(n: u64) -> Result<u64, E> {
    if n == 0 {
        Err(E::custom("must be greater than 0"))
    } else {
        Ok(n)
    }
}

/// Seconds, zero allowed.
pub(crate) fn secs<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_secs)
}

/// Seconds, greater than zero.
pub(crate) fn secs_positive<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    positive(u64::deserialize(d)?).map(Duration::from_secs)
}

/// Seconds where 0 means "off".
pub(crate) fn secs_or_off<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let n = u64::deserialize(d)?;
    Ok((n > 0).then(|| Duration::from_secs(n)))
}

/// A list of seconds, each greater than zero.
pub(crate) fn secs_list_positive<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<Duration>, D::Error> {
    Vec::<u64>::deserialize(d)?
        .into_iter()
        .map(|n| positive(n).map(Duration::from_secs))
        .collect()
}

/// Milliseconds, zero allowed.
pub(crate) fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_millis)
}
