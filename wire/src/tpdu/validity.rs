//! TP-VP, the validity period of an SMS-SUBMIT (TS 23.040 §9.2.3.12).
//!
//! TP-VPF (bits 4–3 of the first octet) says which form follows: none
//! (00), relative (10, one octet), enhanced (01, seven octets) or absolute
//! (11, a [`Timestamp`]). [`ValidityPeriod::duration`] gives the length of
//! the relative and enhanced forms; [`ValidityPeriod::relative`] picks the
//! smallest relative code that lasts at least a requested duration.

use std::time::Duration;

use super::TpduError;
use super::reader::Reader;
use super::timestamp::Timestamp;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidityPeriod {
    /// Relative code 0–255 (§9.2.3.12.1).
    Relative(u8),
    /// Until this time.
    Absolute(Timestamp),
    /// The enhanced format's seven octets (§9.2.3.12.3), kept as sent.
    Enhanced([u8; 7]),
}

impl ValidityPeriod {
    /// The relative code whose period is the shortest one not shorter than
    /// `d` (5 minutes at least, 63 weeks at most).
    pub fn relative(d: Duration) -> Self {
        let code = (0..=255u8)
            .find(|&c| relative_duration(c) >= d)
            .unwrap_or(255);
        ValidityPeriod::Relative(code)
    }

    /// How long the period lasts, for the relative form and the enhanced
    /// form's relative variants; `None` for absolute or unreadable periods.
    pub fn duration(&self) -> Option<Duration> {
        match *self {
            ValidityPeriod::Relative(code) => Some(relative_duration(code)),
            ValidityPeriod::Absolute(_) => None,
            ValidityPeriod::Enhanced(octets) => enhanced_duration(octets),
        }
    }

    /// TP-VPF for this form (bits 4–3 of the first octet, unshifted).
    pub(crate) fn vpf(this: Option<&Self>) -> u8 {
        match this {
            None => 0b00,
            Some(ValidityPeriod::Relative(_)) => 0b10,
            Some(ValidityPeriod::Enhanced(_)) => 0b01,
            Some(ValidityPeriod::Absolute(_)) => 0b11,
        }
    }

    pub(crate) fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), TpduError> {
        match self {
            ValidityPeriod::Relative(code) => out.push(*code),
            ValidityPeriod::Absolute(ts) => out.extend(ts.encode()?),
            ValidityPeriod::Enhanced(octets) => out.extend(octets),
        }
        Ok(())
    }

    pub(crate) fn decode(r: &mut Reader<'_>, vpf: u8) -> Result<Option<Self>, TpduError> {
        Ok(match vpf & 0b11 {
            0b00 => None,
            0b10 => Some(ValidityPeriod::Relative(r.u8("TP-VP")?)),
            0b11 => Some(ValidityPeriod::Absolute(Timestamp::decode(r, "TP-VP")?)),
            _ => {
                let octets = r.take(7, "TP-VP")?;
                let mut enhanced = [0u8; 7];
                enhanced.copy_from_slice(octets);
                Some(ValidityPeriod::Enhanced(enhanced))
            }
        })
    }
}

/// TS 23.040 §9.2.3.12.1: 0–143 five-minute steps from 5 minutes, 144–167
/// half hours from 12.5 hours, 168–196 days from 2 days, 197–255 weeks
/// from 5 weeks.
pub fn relative_duration(code: u8) -> Duration {
    let v = u64::from(code);
    Duration::from_secs(match code {
        0..=143 => (v + 1) * 5 * MINUTE,
        144..=167 => 12 * HOUR + (v - 143) * 30 * MINUTE,
        168..=196 => (v - 166) * DAY,
        197..=255 => (v - 192) * WEEK,
    })
}

/// The enhanced format's functionality indicator (octet 1): bit 7 extension
/// (an extra indicator octet follows; not read here), bits 2–0 the form:
/// 001 relative code, 010 seconds 0–255, 011 hh:mm:ss in semi-octets.
fn enhanced_duration(octets: [u8; 7]) -> Option<Duration> {
    let indicator = octets[0];
    if indicator & 0x80 != 0 {
        return None;
    }
    match indicator & 0x07 {
        0b001 => Some(relative_duration(octets[1])),
        0b010 => Some(Duration::from_secs(u64::from(octets[1]))),
        0b011 => {
            let mut total = 0u64;
            for (octet, unit) in octets[1..4].iter().zip([HOUR, MINUTE, 1]) {
                let (tens, ones) = (octet & 0x0F, octet >> 4);
                if tens > 9 || ones > 9 {
                    return None;
                }
                total += u64::from(tens * 10 + ones) * unit;
            }
            Some(Duration::from_secs(total))
        }
        _ => None,
    }
}
