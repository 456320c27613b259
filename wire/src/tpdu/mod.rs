//! 3GPP TS 23.040 transfer-layer PDUs: what the switch and a handset
//! exchange on the air link.
//!
//! Service centre to mobile ([`MtTpdu`], [`decode_mt`]): [`SmsDeliver`]
//! and [`SmsStatusReport`]. Mobile to service centre ([`MoTpdu`],
//! [`decode_mo`]): [`SmsSubmit`] and [`SmsDeliverReport`] (the RP-ACK /
//! RP-ERROR answer to a delivery, with [`FailureCause`]). Every TPDU has
//! `encode() -> Vec<u8>` and `decode(&[u8])`; TP-MTI (bits 1–0 of the first
//! octet) means different types in each direction, hence the two
//! dispatchers. The fields are [`TpAddress`], [`DataCodingScheme`],
//! [`Timestamp`], [`ValidityPeriod`], [`TpStatus`] and [`UserData`], whose
//! text goes through [`crate::text`] (GSM 7-bit tables and packing, UCS-2,
//! the user data header). Outbound text is turned into parts by
//! [`text_user_data`]. Malformed input is a [`TpduError`], never a panic.

mod address;
mod dcs;
mod deliver;
mod deliver_report;
mod error;
mod params;
mod reader;
mod split;
mod status;
mod status_report;
mod submit;
mod timestamp;
mod toa;
mod user_data;
mod validity;

pub use address::TpAddress;
pub use dcs::{Alphabet, DataCodingScheme, MessageClass};
pub use deliver::SmsDeliver;
pub use deliver_report::{FailureCause, SmsDeliverReport};
pub use error::TpduError;
pub use split::{text_user_data, try_text_user_data};
pub use status::TpStatus;
pub use status_report::SmsStatusReport;
pub use submit::SmsSubmit;
pub use timestamp::Timestamp;
pub use toa::{NumberingPlan, TypeOfNumber};
pub use user_data::{MAX_OCTETS, MAX_SEPTETS, UserData, UserDataBody};
pub use validity::{ValidityPeriod, relative_duration};

pub use crate::text::{InformationElement, UserDataHeader};

use reader::Reader;

/// TP-MMS in SMS-DELIVER and SMS-STATUS-REPORT: set when no more messages wait.
const TP_MMS: u8 = 0x04;
const TP_UDHI: u8 = 0x40;
const TP_RP: u8 = 0x80;
const MTI_MASK: u8 = 0x03;

/// A TPDU from the service centre to a mobile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MtTpdu {
    Deliver(SmsDeliver),
    StatusReport(SmsStatusReport),
}

/// A TPDU from a mobile to the service centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoTpdu {
    Submit(SmsSubmit),
    DeliverReport(SmsDeliverReport),
}

impl MtTpdu {
    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        match self {
            MtTpdu::Deliver(t) => t.encode(),
            MtTpdu::StatusReport(t) => t.encode(),
        }
    }
}

impl MoTpdu {
    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        match self {
            MoTpdu::Submit(t) => t.encode(),
            MoTpdu::DeliverReport(t) => t.encode(),
        }
    }
}

/// Decodes a TPDU sent by the service centre (TP-MTI 00 SMS-DELIVER, 10
/// SMS-STATUS-REPORT; SMS-SUBMIT-REPORT and the reserved 11 are errors).
pub fn decode_mt(bytes: &[u8]) -> Result<MtTpdu, TpduError> {
    let direction = "from the service centre";
    match mti(bytes)? {
        0b00 => SmsDeliver::decode(bytes).map(MtTpdu::Deliver),
        0b10 => SmsStatusReport::decode(bytes).map(MtTpdu::StatusReport),
        0b01 => Err(unsupported(0b01, "SMS-SUBMIT-REPORT", direction)),
        m => Err(unsupported(m, "reserved", direction)),
    }
}

/// Decodes a TPDU sent by a mobile (TP-MTI 00 SMS-DELIVER-REPORT, 01
/// SMS-SUBMIT; SMS-COMMAND and the reserved 11 are errors).
pub fn decode_mo(bytes: &[u8]) -> Result<MoTpdu, TpduError> {
    let direction = "from a mobile";
    match mti(bytes)? {
        0b00 => SmsDeliverReport::decode(bytes).map(MoTpdu::DeliverReport),
        0b01 => SmsSubmit::decode(bytes).map(MoTpdu::Submit),
        0b10 => Err(unsupported(0b10, "SMS-COMMAND", direction)),
        m => Err(unsupported(m, "reserved", direction)),
    }
}

fn mti(bytes: &[u8]) -> Result<u8, TpduError> {
    bytes
        .first()
        .map(|fo| fo & MTI_MASK)
        .ok_or(TpduError::Empty)
}

fn unsupported(mti: u8, name: &'static str, direction: &'static str) -> TpduError {
    TpduError::UnsupportedMessageType {
        mti,
        name,
        direction,
    }
}

/// Reads the first octet and checks its TP-MTI.
fn first_octet(r: &mut Reader<'_>, mti: u8, expected: &'static str) -> Result<u8, TpduError> {
    if r.is_empty() {
        return Err(TpduError::Empty);
    }
    let fo = r.u8("first octet")?;
    if fo & MTI_MASK != mti {
        return Err(TpduError::WrongMessageType {
            expected,
            mti: fo & MTI_MASK,
        });
    }
    Ok(fo)
}

#[cfg(test)]
mod tests;
