//! Reading typed values out of rows: text columns parsed into domain
//! types, money split over an amount and a currency column. A value that
//! does not parse becomes [`super::StoreError::Corrupt`].

use std::str::FromStr;

use rusqlite::Row;

use super::error::corrupt;
use crate::domain::{Currency, Money};

/// Why a stored text column did not parse.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct BadValue(pub(super) String);

/// Column `idx` parsed with `FromStr`.
pub(super) fn parsed<T>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let text: String = row.get(idx)?;
    text.parse()
        .map_err(|e: T::Err| corrupt(idx, BadValue(format!("{text:?}: {e}"))))
}

/// Columns `idx` (minor units) and `idx + 1` (currency) as money.
pub(super) fn money(row: &Row<'_>, idx: usize) -> rusqlite::Result<Money> {
    let minor: i64 = row.get(idx)?;
    let currency: Currency = parsed(row, idx + 1)?;
    Ok(Money::new(minor, currency))
}

/// Like [`money`], for a pair of nullable columns.
pub(super) fn money_opt(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Money>> {
    match row.get::<_, Option<i64>>(idx)? {
        None => Ok(None),
        Some(_) => money(row, idx).map(Some),
    }
}

/// Money as the two column values the tables use.
pub(super) fn money_cols(m: Option<&Money>) -> (Option<i64>, Option<&str>) {
    (m.map(|m| m.minor), m.map(|m| m.currency.code()))
}

/// A u32 counter column (SQLite stores i64).
pub(super) fn count(row: &Row<'_>, idx: usize) -> rusqlite::Result<u32> {
    let n: i64 = row.get(idx)?;
    u32::try_from(n).map_err(|e| corrupt(idx, e))
}
