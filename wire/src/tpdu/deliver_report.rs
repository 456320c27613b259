//! SMS-DELIVER-REPORT, mobile to service centre (TS 23.040 §9.2.2.1a), and
//! TP-FCS, the failure cause it carries (§9.2.3.22).
//!
//! It rides in an RP-ACK (delivery accepted) or an RP-ERROR (refused). The
//! RP-ERROR form has TP-FCS right after the first octet (TP-MTI 00,
//! TP-UDHI bit 6); both then have TP-PI and the optional TP-PID, TP-DCS,
//! TP-UDL/TP-UD ([`super::params`]). Without the RP layer the two forms
//! are told apart by the second octet: every defined TP-FCS has bit 7
//! set, and TP-PI sets it only for an extension no release defines.
//! [`SmsDeliverReport::decode_ack`] / [`SmsDeliverReport::decode_error`]
//! are for callers that know the RP message type.

use std::fmt;

use super::params::Optional;
use super::reader::Reader;
use super::{DataCodingScheme, TP_UDHI, TpduError, UserData, first_octet};

const MTI: u8 = 0b00;
const NAME: &str = "SMS-DELIVER-REPORT";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmsDeliverReport {
    /// Set for the RP-ERROR form, absent for the RP-ACK form.
    pub failure_cause: Option<FailureCause>,
    pub protocol_identifier: Option<u8>,
    pub dcs: Option<DataCodingScheme>,
    pub user_data: Option<UserData>,
}

impl SmsDeliverReport {
    /// The RP-ACK form with no optional parameters.
    pub fn ack() -> Self {
        Self::default()
    }

    /// The RP-ERROR form with this cause and no optional parameters.
    pub fn error(cause: FailureCause) -> Self {
        SmsDeliverReport {
            failure_cause: Some(cause),
            ..Self::default()
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        let mut out = vec![MTI];
        out.extend(self.failure_cause.map(|c| c.0));
        let optional = Optional {
            pid: self.protocol_identifier,
            dcs: self.dcs,
            user_data: self.user_data.clone(),
        };
        if optional.encode_into(&mut out, true)? {
            out[0] |= TP_UDHI;
        }
        Ok(out)
    }

    /// Either form, told apart by bit 7 of the second octet.
    pub fn decode(bytes: &[u8]) -> Result<Self, TpduError> {
        let is_error = bytes.get(1).is_some_and(|b| b & 0x80 != 0);
        Self::decode_form(bytes, is_error)
    }

    /// The RP-ACK form (no TP-FCS).
    pub fn decode_ack(bytes: &[u8]) -> Result<Self, TpduError> {
        Self::decode_form(bytes, false)
    }

    /// The RP-ERROR form (TP-FCS after the first octet).
    pub fn decode_error(bytes: &[u8]) -> Result<Self, TpduError> {
        Self::decode_form(bytes, true)
    }

    fn decode_form(bytes: &[u8], is_error: bool) -> Result<Self, TpduError> {
        let mut r = Reader::new(bytes);
        let fo = first_octet(&mut r, MTI, NAME)?;
        let failure_cause = if is_error {
            Some(FailureCause(r.u8("TP-FCS")?))
        } else {
            None
        };
        let optional = Optional::decode(&mut r, fo & TP_UDHI != 0, true)?;
        r.finish()?;
        Ok(SmsDeliverReport {
            failure_cause,
            protocol_identifier: optional.pid,
            dcs: optional.dcs,
            user_data: optional.user_data,
        })
    }
}

/// TP-FCS: why the mobile refused a TPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FailureCause(pub u8);

impl FailureCause {
    pub const TELEMATIC_INTERWORKING_NOT_SUPPORTED: FailureCause = FailureCause(0x80);
    pub const SHORT_MESSAGE_TYPE_0_NOT_SUPPORTED: FailureCause = FailureCause(0x81);
    pub const CANNOT_REPLACE_SHORT_MESSAGE: FailureCause = FailureCause(0x82);
    pub const UNSPECIFIED_PID_ERROR: FailureCause = FailureCause(0x8F);
    pub const ALPHABET_NOT_SUPPORTED: FailureCause = FailureCause(0x90);
    pub const MESSAGE_CLASS_NOT_SUPPORTED: FailureCause = FailureCause(0x91);
    pub const UNSPECIFIED_DCS_ERROR: FailureCause = FailureCause(0x9F);
    pub const TPDU_NOT_SUPPORTED: FailureCause = FailureCause(0xB0);
    /// The (U)SIM's SMS storage is full.
    pub const SIM_SMS_STORAGE_FULL: FailureCause = FailureCause(0xD0);
    pub const NO_SMS_STORAGE_CAPABILITY_IN_SIM: FailureCause = FailureCause(0xD1);
    pub const ERROR_IN_MS: FailureCause = FailureCause(0xD2);
    /// The mobile has no room for the message (its inbox is full).
    pub const MEMORY_CAPACITY_EXCEEDED: FailureCause = FailureCause(0xD3);
    pub const SIM_APPLICATION_TOOLKIT_BUSY: FailureCause = FailureCause(0xD4);
    pub const SIM_DATA_DOWNLOAD_ERROR: FailureCause = FailureCause(0xD5);
    pub const UNSPECIFIED: FailureCause = FailureCause(0xFF);

    /// Whether the cause says the mobile is out of storage.
    pub fn is_memory_full(self) -> bool {
        matches!(self.0, 0xD0 | 0xD3)
    }

    pub fn name(self) -> &'static str {
        match self.0 {
            0x80 => "telematic interworking not supported",
            0x81 => "short message type 0 not supported",
            0x82 => "cannot replace short message",
            0x8F => "unspecified TP-PID error",
            0x90 => "data coding scheme (alphabet) not supported",
            0x91 => "message class not supported",
            0x9F => "unspecified TP-DCS error",
            0xB0 => "TPDU not supported",
            0xD0 => "SIM SMS storage full",
            0xD1 => "no SMS storage capability in SIM",
            0xD2 => "error in MS",
            0xD3 => "memory capacity exceeded",
            0xD4 => "SIM application toolkit busy",
            0xD5 => "SIM data download error",
            0xE0..=0xFE => "application specific",
            0xFF => "unspecified error cause",
            _ => "reserved",
        }
    }
}

impl fmt::Display for FailureCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} ({})", self.0, self.name())
    }
}
