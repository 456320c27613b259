//! `POST /api/mo`: inject a mobile-originated message, as if a handset had
//! sent it. The destination picks the account ([`Accounts::route_mo`] over
//! the accounts' address_range); the text is encoded in the smallest
//! alphabet (or the data_coding asked for) into one deliver_sm with
//! esm_class 0x00 and handed to [`crate::mo::accept`], which stores it before
//! this answers 202 with the id and account. A receiver bind sends it; once
//! the ESME acknowledges it the message is DELIVERED.
//!
//! [`Accounts::route_mo`]: crate::accounts::Accounts::route_mo

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use wire::smpp::esm;
use wire::text::{self, Encoding};

use super::AppState;
use super::error::ApiError;
use super::extract::JsonBody;
use crate::message::{Address, Origin};
use crate::mo::{MoError, MoSubmission};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoRequest {
    from: String,
    to: String,
    text: String,
    data_coding: Option<u8>,
}

/// TON/NPI from how the address is written: `+` and digits is international
/// E.164, bare digits unknown/E.164, anything else alphanumeric.
fn address(field: &str, addr: &str) -> Result<Address, ApiError> {
    let numeric = |d: &str| !d.is_empty() && d.len() <= 20 && d.bytes().all(|b| b.is_ascii_digit());
    let alphanumeric = !addr.is_empty()
        && addr.len() <= 11
        && addr.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    let (ton, npi, digits) = match addr.strip_prefix('+') {
        Some(digits) if numeric(digits) => (1, 1, digits),
        None if numeric(addr) => (0, 1, addr),
        None if alphanumeric => (5, 0, addr),
        _ => {
            return Err(ApiError::bad_request(format!(
                "{field}: {addr:?} must be 1 to 20 digits (optionally after '+') \
                 or 1 to 11 printable ASCII characters"
            )));
        }
    };
    Ok(Address {
        ton,
        npi,
        addr: digits.to_owned(),
    })
}

/// The user data and its data_coding, if it fits one message: 160 septets
/// (one per octet, as SMPP carries GSM-7) or 140 octets otherwise.
fn encode(body: &str, data_coding: Option<u8>) -> Result<(u8, Vec<u8>), ApiError> {
    let (encoding, data_coding) = match data_coding {
        Some(dc) => match Encoding::from_data_coding(dc) {
            Some(e) => (e, dc),
            None => {
                return Err(ApiError::bad_request(format!(
                    "data_coding 0x{dc:02X} is not supported"
                )));
            }
        },
        None => {
            let e = text::smallest_encoding(body);
            (e, e.data_coding())
        }
    };
    let bytes =
        text::encode(body, encoding).map_err(|e| ApiError::bad_request(format!("text: {e}")))?;
    let (max, unit) = match encoding {
        Encoding::Gsm7 | Encoding::Ia5 => (160, "septets"),
        _ => (140, "octets"),
    };
    if bytes.len() > max {
        return Err(ApiError::bad_request(format!(
            "text: {} {unit} in {encoding} does not fit one message ({max} {unit} at most)",
            bytes.len()
        )));
    }
    Ok((data_coding, bytes))
}

/// A checked MO request: the addresses and the encoded user data.
struct Mo {
    source: Address,
    dest: Address,
    data_coding: u8,
    payload: Vec<u8>,
}

impl TryFrom<&MoRequest> for Mo {
    type Error = ApiError;

    fn try_from(req: &MoRequest) -> Result<Self, ApiError> {
        let (data_coding, payload) = encode(&req.text, req.data_coding)?;
        Ok(Mo {
            source: address("from", &req.from)?,
            dest: address("to", &req.to)?,
            data_coding,
            payload,
        })
    }
}

impl Mo {
    fn into_submission(self) -> MoSubmission {
        MoSubmission {
            source: self.source,
            dest: self.dest,
            esm_class: esm::DEFAULT,
            protocol_id: 0,
            data_coding: self.data_coding,
            payload: self.payload,
            origin: Origin::AdminMo,
        }
    }
}

pub(super) async fn inject(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<MoRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mo = Mo::try_from(&req)?;
    let (id, system_id) = crate::mo::accept(&app.core, mo.into_submission())
        .await
        .map_err(|e| match e {
            MoError::NoRoute(_) => ApiError::NotFound(e.to_string()),
            MoError::Encoding(_) => ApiError::bad_request(e.to_string()),
            MoError::Store(e) => ApiError::Internal(e.into()),
        })?;
    tracing::info!(
        id,
        account = system_id,
        "MO message injected over the admin API"
    );
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "account": system_id })),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Message, MessageState};

    #[test]
    fn addresses_get_ton_and_npi_from_their_form() {
        let a = address("from", "+447700900123").expect("valid");
        assert_eq!((a.ton, a.npi, a.addr.as_str()), (1, 1, "447700900123"));
        let a = address("to", "12345").expect("valid");
        assert_eq!((a.ton, a.npi), (0, 1));
        let a = address("from", "MyBank").expect("valid");
        assert_eq!((a.ton, a.npi), (5, 0));
        let too_long = "1".repeat(21);
        for bad in ["", "+", "+44x", "Far-too-long-name", &too_long] {
            assert!(address("from", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn text_takes_the_smallest_encoding_that_fits_one_message() {
        assert_eq!(encode("STOP", None).ok(), Some((0x00, b"STOP".to_vec())));
        let (dc, bytes) = encode("Привет", None).expect("fits");
        assert_eq!((dc, bytes.len()), (0x08, 12));
        // '€' is an escape: two septets.
        assert_eq!(encode(&"€".repeat(80), None).expect("fits").1.len(), 160);
        assert!(encode(&"€".repeat(81), None).is_err());
        assert!(encode(&"й".repeat(71), None).is_err());
        let (dc, bytes) = encode("café", Some(0x03)).expect("Latin-1 asked for");
        assert_eq!((dc, bytes), (0x03, vec![b'c', b'a', b'f', 0xE9]));
        assert!(encode("x", Some(0x05)).is_err());
        assert!(encode("й", Some(0x03)).is_err());
    }

    #[test]
    fn the_pdu_is_a_plain_mo_deliver_sm() {
        let req: MoRequest =
            serde_json::from_str(r#"{"from":"+447700900123","to":"12345","text":"STOP"}"#)
                .expect("test request parses");
        let sub = Mo::try_from(&req).expect("valid request").into_submission();
        let m = Message {
            id: "7".into(),
            account: "a".into(),
            service_type: String::new(),
            source: sub.source,
            dest: sub.dest,
            esm_class: sub.esm_class,
            protocol_id: 0,
            priority: 0,
            registered_delivery: 0,
            data_coding: sub.data_coding,
            payload: sub.payload,
            sar: None,
            submitted_at: 1_000,
            deliver_at: None,
            expires_at: 61_000,
            state: MessageState::Enroute,
            done_at: None,
            error_code: 0,
            attempts: 0,
            origin: sub.origin,
            set_dpf: false,
        };
        let pdu = crate::mo::deliver_sm(&m).expect("valid");
        assert_eq!(
            (u8::from(pdu.esm_class), u8::from(pdu.source_addr_ton)),
            (0x00, 1)
        );
        assert_eq!(pdu.source_addr.as_str(), "447700900123");
        assert_eq!(pdu.destination_addr.as_str(), "12345");
        assert_eq!(pdu.short_message().as_ref(), b"STOP");
        assert!(pdu.tlvs().is_empty());
    }
}
