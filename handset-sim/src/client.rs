//! An HTTP client for a running handset-sim, used by the CLI's client
//! commands (`inbox`, `wait-code`, `send`, `power`) and usable from tests.
//!
//! Every failure is a [`ClientError`] that says what went wrong in words a
//! tester can act on: nothing listening at the API address, a long poll
//! that timed out (HTTP 408), or the API's own `{"error"}` message.

use std::time::Duration;

use serde_json::{Value, json};
use wire::msisdn::Msisdn;

/// Where the CLI looks when `--api` is not given.
pub const DEFAULT_API: &str = "http://127.0.0.1:8776";
/// Time allowed for a request beyond the wait it asks the server for.
const SLACK: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "cannot reach handset-sim at {api}: {reason} (is `handset-sim serve` running? see --api)"
    )]
    Unreachable { api: String, reason: String },
    /// The server's long poll ended without a result.
    #[error("{0}")]
    Timeout(String),
    #[error("handset-sim answered {status}: {message}")]
    Api { status: u16, message: String },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone)]
pub struct Client {
    api: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(api: &str) -> Result<Self, ClientError> {
        let api = api.trim_end_matches('/').to_owned();
        if !api.starts_with("http://") {
            return Err(ClientError::Invalid(format!(
                "--api {api:?} must be an http:// URL such as {DEFAULT_API}"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ClientError::Invalid(format!("HTTP client: {e}")))?;
        Ok(Self { api, http })
    }

    fn url(&self, msisdn: &str, rest: &str) -> Result<String, ClientError> {
        let number: Msisdn = msisdn
            .parse()
            .map_err(|e| ClientError::Invalid(format!("{msisdn:?} is not an MSISDN: {e}")))?;
        Ok(format!("{}/api/terminals/{number}{rest}", self.api))
    }

    async fn call(&self, request: reqwest::RequestBuilder) -> Result<Value, ClientError> {
        let response = request.send().await.map_err(|e| {
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                reason = format!("{reason}: {s}");
                source = s.source();
            }
            ClientError::Unreachable {
                api: self.api.clone(),
                reason,
            }
        })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let value: Value = match body.trim() {
            "" => Value::Null,
            text => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
        };
        if status.is_success() {
            return Ok(value);
        }
        let message = value["error"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| value.to_string());
        Err(match status.as_u16() {
            408 => ClientError::Timeout(message),
            status => ClientError::Api { status, message },
        })
    }

    /// The terminal's inbox, oldest first.
    pub async fn inbox(&self, msisdn: &str) -> Result<Vec<Value>, ClientError> {
        let url = self.url(msisdn, "/inbox")?;
        match self.call(self.http.get(url)).await? {
            Value::Array(messages) => Ok(messages),
            other => Err(ClientError::Invalid(format!(
                "expected a list, got {other}"
            ))),
        }
    }

    /// Waits up to `timeout` for the next code not handed out yet.
    pub async fn wait_code(&self, msisdn: &str, timeout: Duration) -> Result<String, ClientError> {
        let url = self.url(msisdn, "/next-code")?;
        let request = self
            .http
            .get(url)
            .query(&[("timeout", timeout.as_secs_f64())])
            .timeout(timeout + SLACK);
        let answer = self.call(request).await?;
        answer["code"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ClientError::Invalid(format!("no code in {answer}")))
    }

    /// Sends an MO message; returns its reference.
    pub async fn send(
        &self,
        msisdn: &str,
        to: &str,
        text: &str,
        status_report: bool,
    ) -> Result<u64, ClientError> {
        let url = self.url(msisdn, "/send")?;
        let body = json!({ "to": to, "text": text, "status_report": status_report });
        let answer = self.call(self.http.post(url).json(&body)).await?;
        answer["reference"]
            .as_u64()
            .ok_or_else(|| ClientError::Invalid(format!("no reference in {answer}")))
    }

    /// Switches the terminal on or off; returns the terminal.
    pub async fn power(&self, msisdn: &str, on: bool) -> Result<Value, ClientError> {
        let url = self.url(msisdn, "/power")?;
        self.call(self.http.post(url).json(&json!({ "on": on })))
            .await
    }
}
