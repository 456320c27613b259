//! `[vouchers]`: where vouchers' money is kept (one float account of the
//! simulated bank per currency), what may be bought, the lockout limits
//! and the end-of-day return (the daily time, the offset from UTC it is
//! read in, and how many whole days a voucher is kept before its unspent
//! balance goes back).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::{Currency, Money};

/// The `[vouchers]` section, validated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawVoucherConfig")]
pub struct VoucherConfig {
    /// Currency code → the gateway's float account in that currency.
    pub float_accounts: BTreeMap<String, String>,
    /// Smallest and largest voucher, as decimals in the voucher's currency.
    pub min_amount: String,
    pub max_amount: String,
    pub max_password_failures: u32,
    pub max_backup_failures: u32,
    /// Minutes after local midnight of the daily return run.
    pub return_at_minute: u32,
    /// Local time = UTC + this many minutes.
    pub utc_offset_minutes: i32,
    /// Whole days a voucher is kept: at a run, vouchers bought at least
    /// this many days before it are returned (0: every voucher bought
    /// before the run).
    pub keep_days: u32,
    /// Run the return at `return_at` every day (off: admin API and CLI only).
    pub return_job: bool,
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawVoucherConfig {
    float_accounts: BTreeMap<String, String>,
    min_amount: String,
    max_amount: String,
    max_password_failures: u32,
    max_backup_failures: u32,
    return_at: String,
    utc_offset: String,
    keep_days: u32,
    return_job: bool,
}

impl Default for RawVoucherConfig {
    fn default() -> Self {
        RawVoucherConfig {
            float_accounts: BTreeMap::new(),
            min_amount: "1.00".into(),
            max_amount: "500.00".into(),
            max_password_failures: 3,
            max_backup_failures: 3,
            return_at: "23:30".into(),
            utc_offset: "+00:00".into(),
            keep_days: 0,
            return_job: true,
        }
    }
}

impl Default for VoucherConfig {
    fn default() -> Self {
        VoucherConfig::try_from(RawVoucherConfig::default()).expect("the defaults are valid")
    }
}

/// "HH:MM" as minutes after midnight.
fn clock_minutes(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let ok = |t: &str| t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl TryFrom<RawVoucherConfig> for VoucherConfig {
    type Error = String;
    fn try_from(r: RawVoucherConfig) -> Result<Self, String> {
        for (code, account) in &r.float_accounts {
            Currency::parse(code).map_err(|e| format!("float_accounts: {e}"))?;
            if account.trim().is_empty() {
                return Err(format!("float_accounts.{code}: an account number"));
            }
        }
        let gbp = Currency::parse("GBP").expect("GBP is known");
        let (min, max) = (
            Money::parse_decimal(&r.min_amount, gbp).map_err(|e| format!("min_amount: {e}"))?,
            Money::parse_decimal(&r.max_amount, gbp).map_err(|e| format!("max_amount: {e}"))?,
        );
        if min.minor <= 0 || min.minor > max.minor {
            return Err("min_amount must be positive and at most max_amount".into());
        }
        for (name, n) in [
            ("max_password_failures", r.max_password_failures),
            ("max_backup_failures", r.max_backup_failures),
        ] {
            if !(1..=10).contains(&n) {
                return Err(format!("{name} {n}: 1 to 10"));
            }
        }
        let return_at_minute = clock_minutes(&r.return_at)
            .ok_or_else(|| format!("return_at {:?}: HH:MM, 00:00 to 23:59", r.return_at))?;
        let offset = r.utc_offset.as_str();
        let sign = match offset.as_bytes().first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => 0,
        };
        let utc_offset_minutes = clock_minutes(offset.get(1..).unwrap_or(""))
            .filter(|m| sign != 0 && *m <= 14 * 60)
            .map(|m| sign * i32::try_from(m).expect("under 24 h"))
            .ok_or_else(|| format!("utc_offset {offset:?}: +HH:MM or -HH:MM, within 14 h"))?;
        if r.keep_days > 3650 {
            return Err(format!("keep_days {}: 0 to 3650", r.keep_days));
        }
        Ok(VoucherConfig {
            float_accounts: r
                .float_accounts
                .into_iter()
                .map(|(c, a)| (c.to_ascii_uppercase(), a))
                .collect(),
            min_amount: r.min_amount,
            max_amount: r.max_amount,
            max_password_failures: r.max_password_failures,
            max_backup_failures: r.max_backup_failures,
            return_at_minute,
            utc_offset_minutes,
            keep_days: r.keep_days,
            return_job: r.return_job,
        })
    }
}

impl VoucherConfig {
    /// The float account for `currency`, if vouchers are sold in it.
    pub fn float_account(&self, currency: Currency) -> Option<&str> {
        self.float_accounts.get(currency.code()).map(String::as_str)
    }

    /// The amount limits in `currency`.
    pub fn limits(&self, currency: Currency) -> (Money, Money) {
        let parse = |s: &str| Money::parse_decimal(s, currency).ok();
        let fallback = Money::new(i64::MAX, currency);
        (
            parse(&self.min_amount).unwrap_or(Money::new(1, currency)),
            parse(&self.max_amount).unwrap_or(fallback),
        )
    }

    /// Unix ms of the first return run strictly after `now_ms`.
    pub fn next_return_after(&self, now_ms: i64) -> i64 {
        const DAY: i64 = 86_400_000;
        let offset = i64::from(self.utc_offset_minutes) * 60_000;
        let local = now_ms + offset;
        let day_start = local.div_euclid(DAY) * DAY;
        let mut at = day_start + i64::from(self.return_at_minute) * 60_000;
        if at <= local {
            at += DAY;
        }
        at - offset
    }

    /// Vouchers bought at or before this are returned by a run at `run_ms`.
    pub fn bought_before(&self, run_ms: i64) -> i64 {
        run_ms - i64::from(self.keep_days) * 86_400_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<VoucherConfig, String> {
        toml::from_str::<VoucherConfig>(toml_text).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_a_full_section() {
        let d = VoucherConfig::default();
        assert_eq!(
            (d.max_password_failures, d.return_at_minute),
            (3, 23 * 60 + 30)
        );
        let c = parse(
            "float_accounts = { gbp = \"F1\" }\nreturn_at = \"06:05\"\nutc_offset = \"-05:30\"\n",
        )
        .expect("valid");
        let gbp = Currency::parse("GBP").expect("GBP");
        assert_eq!(c.float_account(gbp), Some("F1"));
        assert_eq!((c.return_at_minute, c.utc_offset_minutes), (365, -330));
    }

    #[test]
    fn bad_values_are_refused_with_the_key() {
        for (text, key) in [
            ("return_at = \"24:00\"", "return_at"),
            ("utc_offset = \"01:00\"", "utc_offset"),
            ("max_password_failures = 0", "max_password_failures"),
            ("min_amount = \"9.00\"\nmax_amount = \"1.00\"", "min_amount"),
            ("float_accounts = { XXX = \"F\" }", "float_accounts"),
            ("colour = 1", "colour"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.contains(key), "{text}: {e}");
        }
    }

    #[test]
    fn the_next_run_is_the_next_local_return_time() {
        let c = parse("return_at = \"23:30\"\nutc_offset = \"+01:00\"").expect("valid");
        // 2023-11-14T22:13:20Z is 23:13:20 local: the run is 17 min later.
        let now = 1_700_000_000_000;
        assert_eq!(c.next_return_after(now), now + (16 * 60 + 40) * 1000);
        let next = c.next_return_after(now);
        assert_eq!(c.next_return_after(next), next + 86_400_000);
    }
}
