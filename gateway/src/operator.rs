//! What the gateway asks the customer's mobile operator besides sending
//! SMS: whether the SIM behind a number changed recently, through the
//! CAMARA-style SIM Swap API operators expose for fraud checks
//! (`POST {url}/sim-swap/v1/check {"phoneNumber","maxAge"}` → `{"swapped"}`;
//! smsc-sim serves it on its admin API).
//!
//! [`SimSwapConfig`] is the `[sim_swap]` section (checked by
//! [`SimSwapConfig::validate`] when the config is read); [`CamaraSimSwap`]
//! implements [`crate::payments::SimSwapCheck`] over HTTP. A check that
//! fails (operator unreachable, bad answer) is reported as unknown, never
//! as "not swapped", and never blocks the payment by itself.

use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;

use crate::payments::{SimSwapCheck, SimSwapStatus};

/// What to do when the SIM changed within `max_age_hours`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnSwap {
    /// Send the code and record the swap in the payment's timeline.
    #[default]
    Report,
    /// Refuse to send the code: the payment is declined (`sim_swap`).
    Refuse,
}

/// The `max_age_hours` the CAMARA SIM Swap API accepts (`maxAge`, hours):
/// at least one hour, at most 100 days.
pub const MAX_AGE_HOURS: std::ops::RangeInclusive<u32> = 1..=2400;

/// `[sim_swap]`: absent = no check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSwapConfig {
    /// Base URL of the operator's API ("http://127.0.0.1:8775").
    pub url: String,
    /// How recent a SIM change counts, in [`MAX_AGE_HOURS`] (default 24).
    #[serde(default = "default_hours")]
    pub max_age_hours: u32,
    #[serde(default)]
    pub on_swap: OnSwap,
}

fn default_hours() -> u32 {
    24
}

impl SimSwapConfig {
    /// Checks what serde cannot; the error names the field. An operator
    /// would refuse an out-of-range `maxAge` on every check, so it is a
    /// config error rather than something to discover per payment.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !MAX_AGE_HOURS.contains(&self.max_age_hours) {
            return Err((
                "max_age_hours",
                format!(
                    "{} is outside {}..={} hours",
                    self.max_age_hours,
                    MAX_AGE_HOURS.start(),
                    MAX_AGE_HOURS.end()
                ),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct CamaraSimSwap {
    url: String,
    max_age_hours: u32,
    http: reqwest::Client,
}

impl CamaraSimSwap {
    pub fn new(config: &SimSwapConfig) -> Result<CamaraSimSwap, reqwest::Error> {
        Ok(CamaraSimSwap {
            url: config.url.trim_end_matches('/').to_owned(),
            // A config file is refused outside the range (`validate`); the
            // clamp only keeps a config built in code within what the
            // operator accepts.
            max_age_hours: config
                .max_age_hours
                .clamp(*MAX_AGE_HOURS.start(), *MAX_AGE_HOURS.end()),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(3))
                .build()?,
        })
    }
}

impl SimSwapCheck for CamaraSimSwap {
    fn check<'a>(&'a self, msisdn: &'a str) -> BoxFuture<'a, SimSwapStatus> {
        Box::pin(async move {
            let body = json!({ "phoneNumber": format!("+{msisdn}"), "maxAge": self.max_age_hours });
            let url = format!("{}/sim-swap/v1/check", self.url);
            let answer = match self.http.post(url).json(&body).send().await {
                Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.ok(),
                Ok(r) => {
                    tracing::info!(status = %r.status(), "SIM swap check refused");
                    None
                }
                Err(e) => {
                    tracing::info!(error = %e, "SIM swap check failed");
                    None
                }
            };
            match answer.and_then(|v| v["swapped"].as_bool()) {
                Some(true) => SimSwapStatus::Swapped {
                    within_hours: self.max_age_hours,
                },
                Some(false) => SimSwapStatus::NotSwapped,
                None => SimSwapStatus::Unknown,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(max_age_hours: u32) -> SimSwapConfig {
        SimSwapConfig {
            url: "http://127.0.0.1:8775".into(),
            max_age_hours,
            on_swap: OnSwap::Report,
        }
    }

    #[test]
    fn max_age_hours_outside_the_api_range_is_refused() {
        for hours in [1, 24, 2400] {
            assert_eq!(config(hours).validate(), Ok(()), "{hours}");
        }
        for hours in [0, 2401, u32::MAX] {
            let (field, message) = config(hours).validate().expect_err("out of range");
            assert_eq!(field, "max_age_hours");
            assert!(
                message.contains(&hours.to_string()) && message.contains("1..=2400"),
                "{message}"
            );
        }
    }
}
