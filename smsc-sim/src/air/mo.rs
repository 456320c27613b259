//! A handset's SMS-SUBMIT, from the air link to an ESME, and the
//! SMS-STATUS-REPORT that answers it.
//!
//! The TPDU becomes a [`MoSubmission`]: the sender is the handset's MSISDN
//! (international), the destination is TP-DA as written, and the user data
//! is carried the way SMPP carries it (GSM 7-bit one septet per octet with
//! data_coding 0x00, UCS-2 as 0x08, 8-bit as 0x04; a UDH kept in front of it
//! with UDHI set). Once [`crate::mo::accept`] has stored it the cell gets
//! SubmitAck; a barred sender, an unroutable destination or an undecodable
//! TPDU get SubmitError with the RP-cause an MSC would give.

use std::sync::Arc;

use wire::air::{AirFrame, RpCause};
use wire::msisdn::Msisdn;
use wire::smpp::esm;
use wire::tpdu::{
    Alphabet, SmsStatusReport, SmsSubmit, TpAddress, TpStatus, TpduError, TypeOfNumber,
    UserDataBody,
};

use crate::core::Core;
use crate::message::{Address, Message, Origin};
use crate::mo::{MoError, MoSubmission};
use crate::switch::sms_deliver::scts;

/// Handle a Submit frame; the answer frame for the cell.
pub(super) async fn submit(
    core: &Arc<Core>,
    reference: u32,
    msisdn: Msisdn,
    tpdu: &[u8],
) -> AirFrame {
    let refuse = |cause: RpCause| AirFrame::SubmitError { reference, cause };
    if core.hlr.handset(msisdn.as_str()).is_none_or(|s| s.barred) {
        return refuse(RpCause::CALL_BARRED);
    }
    let submit = match SmsSubmit::decode(tpdu) {
        Ok(s) => s,
        Err(e) => {
            tracing::info!(msisdn = %msisdn, error = %e, "undecodable SMS-SUBMIT");
            return refuse(RpCause::INVALID_MESSAGE);
        }
    };
    let mo = match submission(&msisdn, &submit) {
        Ok(mo) => mo,
        Err(e) => {
            tracing::info!(msisdn = %msisdn, error = %e, "SMS-SUBMIT not representable in SMPP");
            return refuse(RpCause::INVALID_MESSAGE);
        }
    };
    match crate::mo::accept(core, mo).await {
        Ok((id, account)) => {
            tracing::info!(msisdn = %msisdn, id, account, "MO accepted from the air link");
            AirFrame::SubmitAck { reference }
        }
        Err(MoError::NoRoute(dest)) => {
            tracing::info!(msisdn = %msisdn, dest, "MO for a number no account serves");
            refuse(RpCause::UNASSIGNED_NUMBER)
        }
        Err(e) => {
            tracing::error!(error = %e, "storing an MO message failed");
            refuse(RpCause::TEMPORARY_FAILURE)
        }
    }
}

fn smpp_address(a: &TpAddress) -> Address {
    let ton = match a.ton {
        TypeOfNumber::International => 1,
        TypeOfNumber::National => 2,
        TypeOfNumber::NetworkSpecific => 3,
        TypeOfNumber::Subscriber => 4,
        TypeOfNumber::Alphanumeric => 5,
        TypeOfNumber::Abbreviated => 6,
        _ => 0,
    };
    let npi = if a.ton == TypeOfNumber::Alphanumeric {
        0
    } else {
        1
    };
    Address {
        ton,
        npi,
        addr: a.value.clone(),
    }
}

/// The SMPP form of a handset's SMS-SUBMIT.
pub(super) fn submission(msisdn: &Msisdn, s: &SmsSubmit) -> Result<MoSubmission, TpduError> {
    let ud = &s.user_data;
    let (data_coding, mut body) = match (&ud.body, s.dcs.alphabet()) {
        (UserDataBody::Text(t), Alphabet::Ucs2) => (0x08, wire::text::ucs2::encode(t)),
        (UserDataBody::Text(t), _) => (0x00, wire::text::gsm7::encode(t)?),
        (UserDataBody::Binary(b), _) => (0x04, b.clone()),
    };
    let (esm_class, payload) = match &ud.header {
        Some(udh) => {
            let mut p = udh.encode()?;
            p.append(&mut body);
            (esm::UDHI, p)
        }
        None => (esm::DEFAULT, body),
    };
    Ok(MoSubmission {
        source: Address {
            ton: 1,
            npi: 1,
            addr: msisdn.as_str().to_owned(),
        },
        dest: smpp_address(&s.destination_address),
        esm_class,
        protocol_id: s.protocol_identifier,
        data_coding,
        payload,
        origin: Origin::HandsetMo {
            tp_mr: s.message_reference,
            status_report: s.status_report_request,
        },
    })
}

/// SMS-STATUS-REPORT: the ESME received the handset's message `m`.
pub(super) fn status_report_tpdu(
    m: &Message,
    tp_mr: u8,
    done_at: i64,
) -> Result<Vec<u8>, TpduError> {
    let recipient = match m.dest.ton {
        5 => TpAddress::alphanumeric(&m.dest.addr),
        1 => TpAddress::international(&m.dest.addr),
        _ => TpAddress::national(&m.dest.addr),
    };
    SmsStatusReport {
        more_messages_to_send: false,
        status_report_qualifier: false,
        message_reference: tp_mr,
        recipient_address: recipient,
        service_centre_timestamp: scts(m.submitted_at)?,
        discharge_time: scts(done_at)?,
        status: TpStatus::RECEIVED,
        protocol_identifier: None,
        dcs: None,
        user_data: None,
    }
    .encode()
}
