//! TP-ST, the status an SMS-STATUS-REPORT carries (TS 23.040 §9.2.3.15).
//!
//! Ranges: 0x00–0x1F transaction completed; 0x20–0x3F temporary error, the
//! SC still trying; 0x40–0x5F permanent error; 0x60–0x7F temporary error,
//! the SC no longer trying. Values from 0x80 are reserved and treated here
//! as final failures. Only 0x20–0x3F reports are not final.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TpStatus(pub u8);

impl TpStatus {
    pub const RECEIVED: TpStatus = TpStatus(0x00);
    pub const FORWARDED_UNCONFIRMED: TpStatus = TpStatus(0x01);
    pub const REPLACED: TpStatus = TpStatus(0x02);
    pub const CONGESTION: TpStatus = TpStatus(0x20);
    pub const SME_BUSY: TpStatus = TpStatus(0x21);
    pub const NO_RESPONSE_FROM_SME: TpStatus = TpStatus(0x22);
    pub const SERVICE_REJECTED: TpStatus = TpStatus(0x23);
    pub const QOS_NOT_AVAILABLE: TpStatus = TpStatus(0x24);
    pub const ERROR_IN_SME: TpStatus = TpStatus(0x25);
    pub const REMOTE_PROCEDURE_ERROR: TpStatus = TpStatus(0x40);
    pub const INCOMPATIBLE_DESTINATION: TpStatus = TpStatus(0x41);
    pub const CONNECTION_REJECTED_BY_SME: TpStatus = TpStatus(0x42);
    pub const NOT_OBTAINABLE: TpStatus = TpStatus(0x43);
    pub const QOS_NOT_AVAILABLE_PERMANENT: TpStatus = TpStatus(0x44);
    pub const NO_INTERWORKING_AVAILABLE: TpStatus = TpStatus(0x45);
    pub const VALIDITY_PERIOD_EXPIRED: TpStatus = TpStatus(0x46);
    pub const DELETED_BY_ORIGINATING_SME: TpStatus = TpStatus(0x47);
    pub const DELETED_BY_SC_ADMINISTRATION: TpStatus = TpStatus(0x48);
    pub const DOES_NOT_EXIST: TpStatus = TpStatus(0x49);
    pub const CONGESTION_GAVE_UP: TpStatus = TpStatus(0x60);
    pub const SME_BUSY_GAVE_UP: TpStatus = TpStatus(0x61);
    pub const NO_RESPONSE_FROM_SME_GAVE_UP: TpStatus = TpStatus(0x62);
    pub const SERVICE_REJECTED_GAVE_UP: TpStatus = TpStatus(0x63);
    pub const QOS_NOT_AVAILABLE_GAVE_UP: TpStatus = TpStatus(0x64);
    pub const ERROR_IN_SME_GAVE_UP: TpStatus = TpStatus(0x65);

    /// The message reached the recipient (or was replaced there).
    pub fn is_success(self) -> bool {
        self.0 < 0x20
    }

    /// No further report will follow for this message.
    pub fn is_final(self) -> bool {
        !(0x20..0x40).contains(&self.0)
    }

    /// A temporary error, whether or not the SC still tries.
    pub fn is_temporary_error(self) -> bool {
        (0x20..0x40).contains(&self.0) || (0x60..0x80).contains(&self.0)
    }

    /// A short description from 23.040's table, or the range it falls in.
    pub fn name(self) -> &'static str {
        match self.0 {
            0x00 => "received by the SME",
            0x01 => "forwarded, delivery unconfirmed",
            0x02 => "replaced by the SC",
            0x20 | 0x60 => "congestion",
            0x21 | 0x61 => "SME busy",
            0x22 | 0x62 => "no response from SME",
            0x23 | 0x63 => "service rejected",
            0x24 | 0x44 | 0x64 => "quality of service not available",
            0x25 | 0x65 => "error in SME",
            0x40 => "remote procedure error",
            0x41 => "incompatible destination",
            0x42 => "connection rejected by SME",
            0x43 => "not obtainable",
            0x45 => "no interworking available",
            0x46 => "validity period expired",
            0x47 => "deleted by originating SME",
            0x48 => "deleted by SC administration",
            0x49 => "message does not exist",
            0x03..=0x1F => "completed (reserved or SC specific)",
            0x26..=0x3F => "temporary error, SC still trying (reserved or SC specific)",
            0x4A..=0x5F => "permanent error (reserved or SC specific)",
            0x66..=0x7F => "temporary error, SC gave up (reserved or SC specific)",
            _ => "reserved",
        }
    }
}

impl fmt::Display for TpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} ({})", self.0, self.name())
    }
}
