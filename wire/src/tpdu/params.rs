//! TP-PI and the optional TP-PID, TP-DCS, TP-UDL/TP-UD that follow it in
//! SMS-STATUS-REPORT and SMS-DELIVER-REPORT (TS 23.040 §9.2.3.27).
//!
//! TP-PI bit 0 announces TP-PID, bit 1 TP-DCS, bit 2 TP-UDL (and TP-UD);
//! bit 7 says another TP-PI octet follows (read and ignored: no extension
//! is defined). User data without TP-DCS is read with TP-DCS 0x00, as the
//! spec tells receivers to assume.

use super::TpduError;
use super::dcs::DataCodingScheme;
use super::reader::Reader;
use super::user_data::UserData;

const PI_PID: u8 = 0x01;
const PI_DCS: u8 = 0x02;
const PI_UDL: u8 = 0x04;
const PI_EXTENSION: u8 = 0x80;

/// The optional parameters, present or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Optional {
    pub(crate) pid: Option<u8>,
    pub(crate) dcs: Option<DataCodingScheme>,
    pub(crate) user_data: Option<UserData>,
}

impl Optional {
    /// Appends TP-PI (when `always_pi` or anything is present) and the
    /// parameters; returns whether TP-UDHI must be set.
    pub(crate) fn encode_into(
        &self,
        out: &mut Vec<u8>,
        always_pi: bool,
    ) -> Result<bool, TpduError> {
        let pi = self.pid.map_or(0, |_| PI_PID)
            | self.dcs.map_or(0, |_| PI_DCS)
            | self.user_data.as_ref().map_or(0, |_| PI_UDL);
        if pi == 0 && !always_pi {
            return Ok(false);
        }
        out.push(pi);
        out.extend(self.pid);
        out.extend(self.dcs.map(|d| d.0));
        let Some(ud) = &self.user_data else {
            return Ok(false);
        };
        let (udl, octets) = ud.encode(self.dcs.unwrap_or_default())?;
        out.push(udl);
        out.extend(octets);
        Ok(ud.header.is_some())
    }

    /// Reads TP-PI and what it announces. Without `pi_required`, input that
    /// ends before TP-PI means no optional parameters.
    pub(crate) fn decode(
        r: &mut Reader<'_>,
        udhi: bool,
        pi_required: bool,
    ) -> Result<Self, TpduError> {
        if r.is_empty() && !pi_required {
            return Ok(Optional::default());
        }
        let pi = r.u8("TP-PI")?;
        let mut more = pi;
        while more & PI_EXTENSION != 0 {
            more = r.u8("TP-PI extension")?;
        }
        let pid = if pi & PI_PID != 0 {
            Some(r.u8("TP-PID")?)
        } else {
            None
        };
        let dcs = if pi & PI_DCS != 0 {
            Some(DataCodingScheme(r.u8("TP-DCS")?))
        } else {
            None
        };
        let user_data = if pi & PI_UDL != 0 {
            let udl = r.u8("TP-UDL")?;
            Some(UserData::decode(
                udhi,
                dcs.unwrap_or_default(),
                udl,
                r.rest(),
            )?)
        } else {
            None
        };
        Ok(Optional {
            pid,
            dcs,
            user_data,
        })
    }
}
