//! esm_class values built from bytes.
//!
//! rusmpp 0.4's `EsmClass::default()` is 0x08 (a "delivery acknowledgement"
//! bit set), so every esm_class in Switchboard comes from one of these bytes.

use rusmpp::values::EsmClass;

/// Default message mode, no special type (0x00).
pub const DEFAULT: u8 = 0x00;
/// MC delivery receipt (0x04) on deliver_sm.
pub const MC_DELIVERY_RECEIPT: u8 = 0x04;
/// Intermediate delivery notification (0x20) on deliver_sm.
pub const INTERMEDIATE_NOTIFICATION: u8 = 0x20;
/// UDH indicator (0x40).
pub const UDHI: u8 = 0x40;

pub fn esm_class(byte: u8) -> EsmClass {
    EsmClass::from(byte)
}

/// The message type bits (2..5) of an esm_class byte.
pub fn message_type(byte: u8) -> u8 {
    byte & 0x3C
}

pub fn has_udhi(byte: u8) -> bool {
    byte & UDHI != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_through_rusmpp() {
        for b in [0x00u8, 0x03, 0x04, 0x08, 0x20, 0x40, 0x44, 0xC0] {
            assert_eq!(u8::from(esm_class(b)), b);
        }
    }

    #[test]
    fn rusmpp_default_is_not_zero_which_is_why_we_avoid_it() {
        assert_eq!(u8::from(EsmClass::default()), 0x08);
    }
}
