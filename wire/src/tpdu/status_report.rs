//! SMS-STATUS-REPORT, service centre to mobile (TS 23.040 §9.2.2.3).
//!
//! First octet: TP-MTI 10, TP-MMS (bit 2, set when *no* more messages
//! wait), TP-LP (bit 3, ignored), TP-SRQ (bit 5: reports on an
//! SMS-COMMAND rather than an SMS-SUBMIT), TP-UDHI (bit 6). Then TP-MR,
//! TP-RA, TP-SCTS, TP-DT, TP-ST and the optional TP-PI group
//! ([`super::params`]), which is left out when nothing optional is set.

use super::params::Optional;
use super::reader::Reader;
use super::{
    DataCodingScheme, TP_MMS, TP_UDHI, Timestamp, TpAddress, TpStatus, TpduError, UserData,
    first_octet,
};

const MTI: u8 = 0b10;
const TP_SRQ: u8 = 0x20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsStatusReport {
    /// More messages wait in the service centre (TP-MMS bit clear).
    pub more_messages_to_send: bool,
    /// The report is about an SMS-COMMAND, not an SMS-SUBMIT (TP-SRQ).
    pub status_report_qualifier: bool,
    /// TP-MR of the SMS-SUBMIT this reports on.
    pub message_reference: u8,
    pub recipient_address: TpAddress,
    /// When the SC received the SMS-SUBMIT.
    pub service_centre_timestamp: Timestamp,
    /// When the status below was reached (TP-DT).
    pub discharge_time: Timestamp,
    pub status: TpStatus,
    pub protocol_identifier: Option<u8>,
    pub dcs: Option<DataCodingScheme>,
    pub user_data: Option<UserData>,
}

impl SmsStatusReport {
    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        let mut fo = MTI;
        if !self.more_messages_to_send {
            fo |= TP_MMS;
        }
        if self.status_report_qualifier {
            fo |= TP_SRQ;
        }
        let mut out = vec![fo, self.message_reference];
        out.extend(self.recipient_address.encode()?);
        out.extend(self.service_centre_timestamp.encode()?);
        out.extend(self.discharge_time.encode()?);
        out.push(self.status.0);
        let optional = Optional {
            pid: self.protocol_identifier,
            dcs: self.dcs,
            user_data: self.user_data.clone(),
        };
        if optional.encode_into(&mut out, false)? {
            out[0] |= TP_UDHI;
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, TpduError> {
        let mut r = Reader::new(bytes);
        let fo = first_octet(&mut r, MTI, "SMS-STATUS-REPORT")?;
        let message_reference = r.u8("TP-MR")?;
        let recipient_address = TpAddress::decode(&mut r, "TP-RA")?;
        let service_centre_timestamp = Timestamp::decode(&mut r, "TP-SCTS")?;
        let discharge_time = Timestamp::decode(&mut r, "TP-DT")?;
        let status = TpStatus(r.u8("TP-ST")?);
        let optional = Optional::decode(&mut r, fo & TP_UDHI != 0, false)?;
        r.finish()?;
        Ok(SmsStatusReport {
            more_messages_to_send: fo & TP_MMS == 0,
            status_report_qualifier: fo & TP_SRQ != 0,
            message_reference,
            recipient_address,
            service_centre_timestamp,
            discharge_time,
            status,
            protocol_identifier: optional.pid,
            dcs: optional.dcs,
            user_data: optional.user_data,
        })
    }
}
