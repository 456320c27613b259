//! SMS-DELIVER, service centre to mobile (TS 23.040 §9.2.2.1).
//!
//! First octet: TP-MTI 00, TP-MMS (bit 2, set when *no* more messages
//! wait), TP-LP (bit 3, ignored), TP-SRI (bit 5), TP-UDHI (bit 6), TP-RP
//! (bit 7). Then TP-OA, TP-PID, TP-DCS, TP-SCTS, TP-UDL, TP-UD.

use super::reader::Reader;
use super::{
    DataCodingScheme, TP_MMS, TP_RP, TP_UDHI, Timestamp, TpAddress, TpduError, UserData,
    first_octet,
};

const MTI: u8 = 0b00;
const TP_SRI: u8 = 0x20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsDeliver {
    /// More messages wait in the service centre (TP-MMS bit clear).
    pub more_messages_to_send: bool,
    pub reply_path: bool,
    /// A status report will go back to the originator (TP-SRI).
    pub status_report_indication: bool,
    pub originating_address: TpAddress,
    pub protocol_identifier: u8,
    pub dcs: DataCodingScheme,
    pub service_centre_timestamp: Timestamp,
    pub user_data: UserData,
}

impl SmsDeliver {
    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        let (udl, ud) = self.user_data.encode(self.dcs)?;
        let mut fo = MTI;
        for (set, bit) in [
            (!self.more_messages_to_send, TP_MMS),
            (self.status_report_indication, TP_SRI),
            (self.user_data.header.is_some(), TP_UDHI),
            (self.reply_path, TP_RP),
        ] {
            if set {
                fo |= bit;
            }
        }
        let mut out = vec![fo];
        out.extend(self.originating_address.encode()?);
        out.extend([self.protocol_identifier, self.dcs.0]);
        out.extend(self.service_centre_timestamp.encode()?);
        out.push(udl);
        out.extend(ud);
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, TpduError> {
        let mut r = Reader::new(bytes);
        let fo = first_octet(&mut r, MTI, "SMS-DELIVER")?;
        let originating_address = TpAddress::decode(&mut r, "TP-OA")?;
        let protocol_identifier = r.u8("TP-PID")?;
        let dcs = DataCodingScheme(r.u8("TP-DCS")?);
        let service_centre_timestamp = Timestamp::decode(&mut r, "TP-SCTS")?;
        let udl = r.u8("TP-UDL")?;
        let user_data = UserData::decode(fo & TP_UDHI != 0, dcs, udl, r.rest())?;
        r.finish()?;
        Ok(SmsDeliver {
            more_messages_to_send: fo & TP_MMS == 0,
            reply_path: fo & TP_RP != 0,
            status_report_indication: fo & TP_SRI != 0,
            originating_address,
            protocol_identifier,
            dcs,
            service_centre_timestamp,
            user_data,
        })
    }
}
