//! `GET /api/messages` (search by id, number, state, account) and
//! `GET /api/messages/{id}`. Messages are shown as [`MessageView`]: the
//! stored fields plus the text decoded for people and the payload in hex.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use wire::smpp::esm;

use super::AppState;
use super::error::ApiError;
use super::extract::{PathParam, QueryParams};
use crate::message::{Address, Message, MessageState};
use crate::store::{MAX_SEARCH_LIMIT, MessageFilter};

/// A message as the admin API shows it. Times are Unix milliseconds.
#[derive(Debug, Serialize)]
pub struct MessageView {
    pub id: String,
    pub account: String,
    pub source: Address,
    pub dest: Address,
    pub state: MessageState,
    pub submitted_at: i64,
    pub done_at: Option<i64>,
    pub expires_at: i64,
    pub error_code: u16,
    pub attempts: u32,
    pub registered_delivery: u8,
    pub esm_class: u8,
    pub data_coding: u8,
    /// The user data decoded per data_coding, without any UDH.
    pub text: String,
    /// The user data as stored, UDH included.
    pub payload_hex: String,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        let text = wire::text::decode_lossy(m.data_coding, user_text(m.esm_class, &m.payload));
        let payload_hex = m.payload.iter().map(|b| format!("{b:02x}")).collect();
        MessageView {
            id: m.id,
            account: m.account,
            source: m.source,
            dest: m.dest,
            state: m.state,
            submitted_at: m.submitted_at,
            done_at: m.done_at,
            expires_at: m.expires_at,
            error_code: m.error_code,
            attempts: m.attempts,
            registered_delivery: m.registered_delivery,
            esm_class: m.esm_class,
            data_coding: m.data_coding,
            text,
            payload_hex,
        }
    }
}

/// The payload after the user data header, when esm_class says there is one.
fn user_text(esm_class: u8, payload: &[u8]) -> &[u8] {
    if !esm::has_udhi(esm_class) {
        return payload;
    }
    let udh_len = payload.first().map_or(0, |l| usize::from(*l) + 1);
    payload.get(udh_len..).unwrap_or_default()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    id: Option<String>,
    number: Option<String>,
    state: Option<String>,
    account: Option<String>,
    limit: Option<usize>,
}

/// Empty parameters (`?state=`) mean "any", as a form would send them.
fn given(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl SearchParams {
    fn into_filter(self) -> Result<MessageFilter, ApiError> {
        let state = match given(self.state) {
            None => None,
            Some(s) => Some(MessageState::parse(&s).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unknown state {s:?}: use SCHEDULED, ENROUTE, DELIVERED, EXPIRED, DELETED, \
                     UNDELIVERABLE, ACCEPTED, UNKNOWN, REJECTED, SKIPPED or their receipt words \
                     (DELIVRD, UNDELIV, ...)"
                ))
            })?),
        };
        if let Some(limit) = self.limit
            && !(1..=MAX_SEARCH_LIMIT).contains(&limit)
        {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_SEARCH_LIMIT}, not {limit}"
            )));
        }
        Ok(MessageFilter {
            id: given(self.id),
            number: given(self.number),
            state,
            account: given(self.account),
            limit: self.limit,
        })
    }
}

/// A number given with or without '+' finds addresses stored either way
/// (a '+' in a query string also arrives as a space, trimmed by [`given`]).
fn number_variants(number: &str) -> Vec<String> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return vec![number.to_owned()];
    }
    vec![digits.to_owned(), format!("+{digits}")]
}

pub(super) async fn search(
    State(app): State<AppState>,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    let filter = params.into_filter()?;
    let limit = filter.effective_limit();
    let mut found = Vec::new();
    match filter.number.as_deref().map(number_variants) {
        Some(variants) => {
            for number in variants {
                let f = MessageFilter {
                    number: Some(number),
                    ..filter.clone()
                };
                found.extend(app.core.store.search(f).await?);
            }
            // Merged from two newest-first lists: newest first again.
            found.sort_by_key(|m: &Message| std::cmp::Reverse(m.submitted_at));
            let mut seen = std::collections::HashSet::new();
            found.retain(|m| seen.insert(m.id.clone()));
            found.truncate(limit);
        }
        None => found = app.core.store.search(filter).await?,
    }
    Ok(Json(found.into_iter().map(MessageView::from).collect()))
}

pub(super) async fn one(
    State(app): State<AppState>,
    PathParam(id): PathParam<String>,
) -> Result<Json<MessageView>, ApiError> {
    match app.core.store.get(&id).await? {
        Some(m) => Ok(Json(m.into())),
        None => Err(ApiError::NotFound(format!("no message with id {id:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(state: Option<&str>, limit: Option<usize>) -> SearchParams {
        SearchParams {
            state: state.map(str::to_owned),
            limit,
            ..SearchParams::default()
        }
    }

    #[test]
    fn states_parse_by_name_or_receipt_word() {
        let f = params(Some("delivrd"), None).into_filter().expect("valid");
        assert_eq!(f.state, Some(MessageState::Delivered));
        let f = params(Some("UNDELIVERABLE"), Some(5))
            .into_filter()
            .expect("valid");
        assert_eq!(
            (f.state, f.limit),
            (Some(MessageState::Undeliverable), Some(5))
        );
        assert!(
            params(Some(""), None)
                .into_filter()
                .expect("empty is any")
                .state
                .is_none()
        );
        let err = params(Some("GONE"), None)
            .into_filter()
            .expect_err("unknown state");
        assert!(err.to_string().contains("\"GONE\""), "{err}");
        assert!(params(None, Some(0)).into_filter().is_err());
        assert!(
            params(None, Some(MAX_SEARCH_LIMIT + 1))
                .into_filter()
                .is_err()
        );
    }

    #[test]
    fn udh_is_not_shown_as_text() {
        let payload = [0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, b'H', b'i'];
        assert_eq!(user_text(esm::UDHI, &payload), b"Hi");
        assert_eq!(user_text(esm::DEFAULT, &payload[6..]), b"Hi");
        // A UDH length pointing past the end shows nothing rather than panicking.
        assert_eq!(user_text(esm::UDHI, &[0x09, 0x00]), b"");
    }

    #[test]
    fn numbers_match_with_and_without_plus() {
        assert_eq!(number_variants("+4477"), ["4477", "+4477"]);
        assert_eq!(number_variants("4477"), ["4477", "+4477"]);
        assert_eq!(number_variants("MyBank"), ["MyBank"]);
    }
}
