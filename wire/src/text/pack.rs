//! Packed GSM 7-bit form (TS 23.038 §6.1.2.1), as TPDUs carry it on the air.
//!
//! Septets are laid end to end, least significant bit first, so eight septets
//! fill seven octets. When a user data header precedes the text, `fill_bits`
//! zero bits come first so the first septet starts on a septet boundary of
//! the whole user data ([`fill_bits_after_udh`] computes it). The septet count
//! travels separately (TP-UDL) because the last octet can hold spare bits.

use super::TextError;

/// Packs septets (the high bit of each byte is ignored) after `fill_bits`
/// zero bits.
pub fn pack(septets: &[u8], fill_bits: u8) -> Vec<u8> {
    let bits = usize::from(fill_bits) + 7 * septets.len();
    let mut out = vec![0u8; bits.div_ceil(8)];
    for (i, &s) in septets.iter().enumerate() {
        let bit = usize::from(fill_bits) + 7 * i;
        let (byte, shift) = (bit / 8, bit % 8);
        let value = u16::from(s & 0x7F) << shift;
        out[byte] |= value as u8;
        if shift > 1 {
            out[byte + 1] |= (value >> 8) as u8;
        }
    }
    out
}

/// Octets that `septet_count` septets after `fill_bits` occupy.
pub fn packed_len(septet_count: usize, fill_bits: u8) -> usize {
    (usize::from(fill_bits) + 7 * septet_count).div_ceil(8)
}

/// Reads `septet_count` septets after `fill_bits` bits of `bytes`. Short input
/// is an error, never a panic; octets past the needed length are ignored.
pub fn unpack(bytes: &[u8], septet_count: usize, fill_bits: u8) -> Result<Vec<u8>, TextError> {
    let needed = packed_len(septet_count, fill_bits);
    if bytes.len() < needed {
        return Err(TextError::Truncated {
            needed,
            available: bytes.len(),
        });
    }
    let septets = (0..septet_count)
        .map(|i| {
            let bit = usize::from(fill_bits) + 7 * i;
            let (byte, shift) = (bit / 8, bit % 8);
            let low = u16::from(bytes[byte]);
            // The septet spills into the next octet only when shift > 1, and
            // `needed` guarantees that octet exists in that case.
            let high = if shift > 1 {
                u16::from(bytes[byte + 1]) << 8
            } else {
                0
            };
            (((low | high) >> shift) & 0x7F) as u8
        })
        .collect();
    Ok(septets)
}

/// Fill bits needed after a user data header of `udh_len` octets (UDHL
/// included) so that the text starts on a septet boundary.
pub fn fill_bits_after_udh(udh_len: usize) -> u8 {
    ((7 - (udh_len * 8) % 7) % 7) as u8
}

/// Septets a user data header of `udh_len` octets (UDHL included) takes from
/// the 160 available to GSM-7 text.
pub fn udh_septets(udh_len: usize) -> usize {
    (udh_len * 8).div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::gsm7;
    use proptest::prelude::*;

    #[test]
    fn hellohello_golden_vector() {
        let septets = gsm7::encode("hellohello").unwrap();
        let packed = pack(&septets, 0);
        assert_eq!(
            packed,
            [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]
        );
        assert_eq!(unpack(&packed, 10, 0).unwrap(), septets);
    }

    #[test]
    fn eight_septets_fill_seven_octets() {
        assert_eq!(packed_len(8, 0), 7);
        assert_eq!(pack(&[0x7F; 8], 0), [0xFF; 7]);
    }

    #[test]
    fn fill_bits_shift_the_first_septet() {
        // One fill bit after a 6-octet concatenation UDH: 'h' (0x68) starts at bit 1.
        assert_eq!(fill_bits_after_udh(6), 1);
        assert_eq!(udh_septets(6), 7);
        assert_eq!(fill_bits_after_udh(7), 0);
        assert_eq!(pack(&[0x68], 1), [0xD0]);
        assert_eq!(pack(&[0x68], 2), [0xA0, 0x01]);
    }

    #[test]
    fn short_input_is_an_error() {
        assert_eq!(
            unpack(&[0xE8, 0x32], 3, 0),
            Err(TextError::Truncated {
                needed: 3,
                available: 2
            })
        );
        assert_eq!(
            unpack(&[], 1, 6),
            Err(TextError::Truncated {
                needed: 2,
                available: 0
            })
        );
        assert_eq!(
            unpack(&[], 0, 3),
            Err(TextError::Truncated {
                needed: 1,
                available: 0
            })
        );
        assert_eq!(unpack(&[], 0, 0).unwrap(), Vec::<u8>::new());
    }

    proptest! {
        #[test]
        fn pack_unpack_round_trip(
            septets in prop::collection::vec(0u8..0x80, 0..200),
            fill in 0u8..7,
        ) {
            let packed = pack(&septets, fill);
            prop_assert_eq!(packed.len(), packed_len(septets.len(), fill));
            prop_assert_eq!(unpack(&packed, septets.len(), fill).unwrap(), septets);
            // The fill bits themselves stay zero.
            if let Some(first) = packed.first() {
                prop_assert_eq!(first & ((1u8 << fill) - 1), 0);
            }
        }

        #[test]
        fn unpack_never_panics(
            bytes in prop::collection::vec(any::<u8>(), 0..50),
            count in 0usize..80,
            fill in any::<u8>(),
        ) {
            match unpack(&bytes, count, fill) {
                Ok(s) => prop_assert_eq!(s.len(), count),
                Err(TextError::Truncated { needed, available }) => {
                    prop_assert!(needed > available)
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }
}
