//! Cause codes carried by air-link frames: [`RpCause`] and [`AirErrorCode`].
//!
//! [`RpCause`] is the RP-cause of 3GPP TS 24.011 §8.2.5.4 (Table 8.4): why a
//! terminal refused a delivery (`DeliverError`), why the network refused a
//! submit or an attach. Both are open newtypes over the wire byte so a value we
//! have no name for still passes through unchanged. [`AirErrorCode`] says why a
//! frame was rejected (`Error` frame); it is ours, not 3GPP's.

use std::fmt;

/// RP-cause value (3GPP TS 24.011 §8.2.5.4, Table 8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RpCause(pub u8);

impl RpCause {
    pub const UNASSIGNED_NUMBER: Self = Self(1);
    pub const OPERATOR_DETERMINED_BARRING: Self = Self(8);
    pub const CALL_BARRED: Self = Self(10);
    pub const SM_TRANSFER_REJECTED: Self = Self(21);
    pub const MEMORY_CAPACITY_EXCEEDED: Self = Self(22);
    pub const DESTINATION_OUT_OF_ORDER: Self = Self(27);
    pub const UNIDENTIFIED_SUBSCRIBER: Self = Self(28);
    pub const FACILITY_REJECTED: Self = Self(29);
    pub const UNKNOWN_SUBSCRIBER: Self = Self(30);
    pub const NETWORK_OUT_OF_ORDER: Self = Self(38);
    pub const TEMPORARY_FAILURE: Self = Self(41);
    pub const CONGESTION: Self = Self(42);
    pub const RESOURCES_UNAVAILABLE: Self = Self(47);
    pub const FACILITY_NOT_SUBSCRIBED: Self = Self(50);
    pub const FACILITY_NOT_IMPLEMENTED: Self = Self(69);
    pub const INVALID_REFERENCE: Self = Self(81);
    /// "Semantically incorrect message" in the spec.
    pub const INVALID_MESSAGE: Self = Self(95);
    pub const INVALID_MANDATORY_INFORMATION: Self = Self(96);
    pub const MESSAGE_TYPE_NON_EXISTENT: Self = Self(97);
    pub const MESSAGE_NOT_COMPATIBLE: Self = Self(98);
    pub const IE_NON_EXISTENT: Self = Self(99);
    pub const PROTOCOL_ERROR: Self = Self(111);
    pub const INTERWORKING: Self = Self(127);

    /// The spec's name for the cause, `"unknown cause"` for values without one.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "unassigned (unallocated) number",
            8 => "operator determined barring",
            10 => "call barred",
            21 => "short message transfer rejected",
            22 => "memory capacity exceeded",
            27 => "destination out of order",
            28 => "unidentified subscriber",
            29 => "facility rejected",
            30 => "unknown subscriber",
            38 => "network out of order",
            41 => "temporary failure",
            42 => "congestion",
            47 => "resources unavailable, unspecified",
            50 => "requested facility not subscribed",
            69 => "requested facility not implemented",
            81 => "invalid short message transfer reference value",
            95 => "semantically incorrect message",
            96 => "invalid mandatory information",
            97 => "message type non-existent or not implemented",
            98 => "message not compatible with short message protocol state",
            99 => "information element non-existent or not implemented",
            111 => "protocol error, unspecified",
            127 => "interworking, unspecified",
            _ => "unknown cause",
        }
    }

    /// True when a later attempt may succeed without anyone changing the
    /// subscription: full memory, terminal or network out of order, temporary
    /// failure, congestion, resources unavailable (the store-and-forward set).
    pub fn is_temporary(self) -> bool {
        matches!(self.0, 22 | 27 | 38 | 41 | 42 | 47)
    }
}

impl fmt::Display for RpCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// Why a peer's frame was rejected, carried in an `Error` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AirErrorCode(pub u8);

impl AirErrorCode {
    /// The frame's version byte is not [`super::AIR_VERSION`].
    pub const UNSUPPORTED_VERSION: Self = Self(1);
    /// The frame type byte is not one we know.
    pub const UNKNOWN_FRAME_TYPE: Self = Self(2);
    /// A field was truncated, invalid, or bytes were left over.
    pub const MALFORMED_FRAME: Self = Self(3);
    /// The frame was longer than the receiver's maximum; it was skipped.
    pub const FRAME_TOO_LONG: Self = Self(4);
    /// A well-formed frame that is not allowed now (e.g. `Attach` before `Hello`,
    /// a frame type that only flows the other way).
    pub const UNEXPECTED_FRAME: Self = Self(5);
    /// The receiver failed for its own reasons.
    pub const INTERNAL: Self = Self(6);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "unsupported version",
            2 => "unknown frame type",
            3 => "malformed frame",
            4 => "frame too long",
            5 => "unexpected frame",
            6 => "internal error",
            _ => "unknown error code",
        }
    }
}

impl fmt::Display for AirErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rp_cause_values_match_table_8_4() {
        assert_eq!(RpCause::UNASSIGNED_NUMBER.0, 1);
        assert_eq!(RpCause::MEMORY_CAPACITY_EXCEEDED.0, 22);
        assert_eq!(RpCause::UNKNOWN_SUBSCRIBER.0, 30);
        assert_eq!(RpCause::INVALID_MESSAGE.0, 95);
        assert_eq!(RpCause::PROTOCOL_ERROR.0, 111);
        assert_eq!(
            RpCause::MEMORY_CAPACITY_EXCEEDED.name(),
            "memory capacity exceeded"
        );
        assert_eq!(RpCause(200).name(), "unknown cause");
        assert_eq!(RpCause::CALL_BARRED.to_string(), "call barred (10)");
    }

    #[test]
    fn temporary_causes_are_the_retryable_ones() {
        for c in [
            RpCause::MEMORY_CAPACITY_EXCEEDED,
            RpCause::DESTINATION_OUT_OF_ORDER,
            RpCause::NETWORK_OUT_OF_ORDER,
            RpCause::TEMPORARY_FAILURE,
            RpCause::CONGESTION,
        ] {
            assert!(c.is_temporary(), "{c}");
        }
        for c in [
            RpCause::UNASSIGNED_NUMBER,
            RpCause::CALL_BARRED,
            RpCause::OPERATOR_DETERMINED_BARRING,
            RpCause::UNKNOWN_SUBSCRIBER,
            RpCause::INVALID_MESSAGE,
            RpCause::PROTOCOL_ERROR,
            RpCause(0),
        ] {
            assert!(!c.is_temporary(), "{c}");
        }
    }

    #[test]
    fn error_code_names() {
        assert_eq!(AirErrorCode::MALFORMED_FRAME.name(), "malformed frame");
        assert_eq!(AirErrorCode(0).name(), "unknown error code");
        assert_eq!(
            AirErrorCode::FRAME_TOO_LONG.to_string(),
            "frame too long (4)"
        );
    }
}
