//! serde helpers for the config file: durations written as whole seconds
//! (`*_s`) or milliseconds (`*_ms`), and values written as strings and parsed
//! with `FromStr`. Each rejects bad input with a message naming the problem.

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

/// Seconds, greater than zero.
pub(crate) fn secs_positive<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    positive(u64::deserialize(d)?).map(Duration::from_secs)
}

/// Milliseconds, greater than zero.
pub(crate) fn millis_positive<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    positive(u64::deserialize(d)?).map(Duration::from_millis)
}

/// Any value written as a string and parsed with `FromStr` (MSISDN, IMSI,
/// terminal kind): the parser's message becomes the serde error, so the TOML
/// error names the field, the line and what was wrong with the value.
pub(crate) fn parsed<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let s = String::deserialize(d)?;
    s.parse().map_err(D::Error::custom)
}
