//! SMS-SUBMIT, mobile to service centre (TS 23.040 §9.2.2.2).
//!
//! First octet: TP-MTI 01, TP-RD (bit 2), TP-VPF (bits 4–3), TP-SRR (bit
//! 5), TP-UDHI (bit 6), TP-RP (bit 7). Then TP-MR, TP-DA, TP-PID, TP-DCS,
//! TP-VP (0, 1 or 7 octets as TP-VPF says), TP-UDL, TP-UD.

use super::reader::Reader;
use super::{
    DataCodingScheme, TP_RP, TP_UDHI, TpAddress, TpduError, UserData, ValidityPeriod, first_octet,
};

const MTI: u8 = 0b01;
const TP_RD: u8 = 0x04;
const TP_SRR: u8 = 0x20;
const VPF_SHIFT: u8 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsSubmit {
    /// The SC should reject a duplicate (same TP-MR and TP-DA) (TP-RD).
    pub reject_duplicates: bool,
    pub reply_path: bool,
    /// The sender wants an SMS-STATUS-REPORT (TP-SRR).
    pub status_report_request: bool,
    pub message_reference: u8,
    pub destination_address: TpAddress,
    pub protocol_identifier: u8,
    pub dcs: DataCodingScheme,
    pub validity_period: Option<ValidityPeriod>,
    pub user_data: UserData,
}

impl SmsSubmit {
    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        let (udl, ud) = self.user_data.encode(self.dcs)?;
        let mut fo = MTI | (ValidityPeriod::vpf(self.validity_period.as_ref()) << VPF_SHIFT);
        for (set, bit) in [
            (self.reject_duplicates, TP_RD),
            (self.status_report_request, TP_SRR),
            (self.user_data.header.is_some(), TP_UDHI),
            (self.reply_path, TP_RP),
        ] {
            if set {
                fo |= bit;
            }
        }
        let mut out = vec![fo, self.message_reference];
        out.extend(self.destination_address.encode()?);
        out.extend([self.protocol_identifier, self.dcs.0]);
        if let Some(vp) = &self.validity_period {
            vp.encode_into(&mut out)?;
        }
        out.push(udl);
        out.extend(ud);
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, TpduError> {
        let mut r = Reader::new(bytes);
        let fo = first_octet(&mut r, MTI, "SMS-SUBMIT")?;
        let message_reference = r.u8("TP-MR")?;
        let destination_address = TpAddress::decode(&mut r, "TP-DA")?;
        let protocol_identifier = r.u8("TP-PID")?;
        let dcs = DataCodingScheme(r.u8("TP-DCS")?);
        let validity_period = ValidityPeriod::decode(&mut r, fo >> VPF_SHIFT)?;
        let udl = r.u8("TP-UDL")?;
        let user_data = UserData::decode(fo & TP_UDHI != 0, dcs, udl, r.rest())?;
        r.finish()?;
        Ok(SmsSubmit {
            reject_duplicates: fo & TP_RD != 0,
            reply_path: fo & TP_RP != 0,
            status_report_request: fo & TP_SRR != 0,
            message_reference,
            destination_address,
            protocol_identifier,
            dcs,
            validity_period,
            user_data,
        })
    }
}
