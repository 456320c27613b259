//! Checks on a submitted message, each failure with the status the SMPP spec
//! names for it, and the conversion of a valid submission into a [`Message`].

use wire::smpp::rusmpp::CommandStatus;
use wire::smpp::rusmpp::tlvs::Tlv;
use wire::smpp::rusmpp::tlvs::TlvValue;
use wire::smpp::tlv::SarTlvs;

use crate::message::{Address, Message, MessageState};

/// The fields submit_sm, data_sm and submit_multi share, as plain values.
#[derive(Debug, Clone)]
pub(crate) struct Submission {
    pub service_type: String,
    pub source: Address,
    pub dest: Address,
    pub esm_class: u8,
    pub protocol_id: u8,
    pub priority: u8,
    pub schedule: String,
    pub validity: String,
    pub registered_delivery: u8,
    pub replace_if_present: u8,
    pub data_coding: u8,
    pub sm_default_msg_id: u8,
    pub short_message: Vec<u8>,
    pub tlvs: Vec<Tlv>,
}

/// Time context for validation.
pub(crate) struct Limits {
    pub now_ms: i64,
    pub default_validity_ms: i64,
    pub max_validity_ms: i64,
}

const MAX_PAYLOAD: usize = 64 * 1024;

fn check_addr(a: &Address, is_source: bool) -> Result<(), CommandStatus> {
    let (bad_ton, bad_npi, bad_addr) = if is_source {
        (
            CommandStatus::EsmeRinvsrcton,
            CommandStatus::EsmeRinvsrcnpi,
            CommandStatus::EsmeRinvsrcadr,
        )
    } else {
        (
            CommandStatus::EsmeRinvdstton,
            CommandStatus::EsmeRinvdstnpi,
            CommandStatus::EsmeRinvdstadr,
        )
    };
    if a.ton > 6 {
        return Err(bad_ton);
    }
    if !matches!(a.npi, 0 | 1 | 3 | 4 | 6 | 8 | 9 | 10 | 14 | 18) {
        return Err(bad_npi);
    }
    let addr = a.addr.as_str();
    if addr.is_empty() {
        // A NULL source means "the SMSC's default"; a destination is required.
        return if is_source { Ok(()) } else { Err(bad_addr) };
    }
    let ok = if a.ton == 5 {
        addr.len() <= 11 && addr.chars().all(|c| c.is_ascii_graphic() || c == ' ')
    } else {
        let digits = addr.strip_prefix('+').unwrap_or(addr);
        !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if ok { Ok(()) } else { Err(bad_addr) }
}

/// Capacity of one air-interface message in the unit of its coding.
fn fits_one_message(data_coding: u8, udhi: bool, payload: &[u8]) -> bool {
    let udh_len = if udhi {
        payload.first().map_or(0, |l| *l as usize + 1)
    } else {
        0
    };
    if udh_len > payload.len() {
        return false;
    }
    match data_coding {
        // SMSC default alphabet: one septet per octet; the UDH takes ceil(octets*8/7) septets.
        0x00 | 0x01 => (udh_len * 8).div_ceil(7) + (payload.len() - udh_len) <= 160,
        0x08 => payload.len() <= 140 && (payload.len() - udh_len).is_multiple_of(2),
        _ => payload.len() <= 140,
    }
}

/// The SAR TLVs as (reference, total, sequence), with the statuses the
/// spec gives for inconsistent or incomplete ones.
fn tlv_sar(tlvs: &[Tlv]) -> Result<Option<(u16, u8, u8)>, CommandStatus> {
    match wire::smpp::tlv::sar(tlvs) {
        SarTlvs::Absent => Ok(None),
        SarTlvs::Complete(s) => Ok(Some((s.msg_ref_num, s.total_segments, s.segment_seqnum))),
        SarTlvs::Invalid => Err(CommandStatus::EsmeRinvtlvval),
        SarTlvs::Incomplete => Err(CommandStatus::EsmeRmissingtlv),
    }
}

fn parse_time(s: &str, now: i64, bad: CommandStatus) -> Result<Option<i64>, CommandStatus> {
    wire::smpp::time::parse_smpp_time(s, now).map_err(|_| bad)
}

impl Submission {
    /// Validate and turn into a message with the given id and account.
    pub(crate) fn into_message(
        self,
        id: String,
        account: &str,
        lim: &Limits,
    ) -> Result<Message, CommandStatus> {
        check_addr(&self.source, true)?;
        check_addr(&self.dest, false)?;
        // Message type bits: default, or ESME delivery/manual acknowledgement.
        if !matches!(self.esm_class & 0x3C, 0x00 | 0x08 | 0x10) {
            return Err(CommandStatus::EsmeRinvesmclass);
        }
        if self.priority > 4 {
            return Err(CommandStatus::EsmeRinvprtflg);
        }
        if self.registered_delivery & !0x1F != 0 {
            return Err(CommandStatus::EsmeRinvregdlvflg);
        }
        if self.replace_if_present > 1 {
            return Err(CommandStatus::EsmeRinvrepflag);
        }
        if matches!(self.data_coding, 0x0B | 0x0C | 0x0F) {
            return Err(CommandStatus::EsmeRinvdcs);
        }
        if self.sm_default_msg_id != 0 {
            return Err(CommandStatus::EsmeRinvdftmsgid);
        }
        let payload = match wire::smpp::tlv::message_payload(&self.tlvs).map(<[u8]>::to_vec) {
            Some(_) if !self.short_message.is_empty() => return Err(CommandStatus::EsmeRinvmsglen),
            Some(p) if p.len() > MAX_PAYLOAD => return Err(CommandStatus::EsmeRinvtlvlen),
            Some(p) => p,
            None if !fits_one_message(
                self.data_coding,
                self.esm_class & 0x40 != 0,
                &self.short_message,
            ) =>
            {
                return Err(CommandStatus::EsmeRinvmsglen);
            }
            None => self.short_message,
        };
        let sar = tlv_sar(&self.tlvs)?;
        let set_dpf = self
            .tlvs
            .iter()
            .any(|t| matches!(t.value(), Some(TlvValue::SetDpf(v)) if u8::from(*v) == 1));
        let deliver_at = parse_time(&self.schedule, lim.now_ms, CommandStatus::EsmeRinvsched)?;
        let expires_at =
            match parse_time(&self.validity, lim.now_ms, CommandStatus::EsmeRinvexpiry)? {
                Some(t) if t <= lim.now_ms => return Err(CommandStatus::EsmeRinvexpiry),
                Some(t) => t.min(lim.now_ms + lim.max_validity_ms),
                None => lim.now_ms + lim.default_validity_ms,
            };
        if deliver_at.is_some_and(|d| d >= expires_at) {
            return Err(CommandStatus::EsmeRinvsched);
        }
        Ok(Message {
            id,
            account: account.to_owned(),
            service_type: self.service_type,
            source: self.source,
            dest: self.dest,
            esm_class: self.esm_class,
            protocol_id: self.protocol_id,
            priority: self.priority,
            registered_delivery: self.registered_delivery,
            data_coding: self.data_coding,
            payload,
            sar,
            submitted_at: lim.now_ms,
            deliver_at: deliver_at.filter(|d| *d > lim.now_ms),
            expires_at,
            state: MessageState::Enroute,
            done_at: None,
            error_code: 0,
            attempts: 0,
            origin: crate::message::Origin::Esme,
            set_dpf,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub() -> Submission {
        Submission {
            service_type: String::new(),
            source: Address {
                ton: 5,
                npi: 0,
                addr: "MyBank".into(),
            },
            dest: Address {
                ton: 1,
                npi: 1,
                addr: "447700900123".into(),
            },
            esm_class: 0,
            protocol_id: 0,
            priority: 0,
            schedule: String::new(),
            validity: String::new(),
            registered_delivery: 1,
            replace_if_present: 0,
            data_coding: 0,
            sm_default_msg_id: 0,
            short_message: b"hello".to_vec(),
            tlvs: vec![],
        }
    }

    fn lim() -> Limits {
        Limits {
            now_ms: 1_700_000_000_000,
            default_validity_ms: 1000,
            max_validity_ms: 10_000,
        }
    }

    fn status(f: impl FnOnce(&mut Submission)) -> CommandStatus {
        let mut s = sub();
        f(&mut s);
        s.into_message("1".into(), "a", &lim())
            .expect_err("should be refused")
    }

    #[test]
    fn a_valid_submission_becomes_an_enroute_message() {
        let m = sub()
            .into_message("7".into(), "acct", &lim())
            .expect("valid");
        assert_eq!(m.state, MessageState::Enroute);
        assert_eq!(m.expires_at, lim().now_ms + 1000);
        assert_eq!(m.payload, b"hello");
    }

    #[test]
    fn each_fault_has_its_status() {
        use CommandStatus as S;
        assert_eq!(status(|s| s.dest.addr = "12ab".into()), S::EsmeRinvdstadr);
        assert_eq!(status(|s| s.dest.addr = String::new()), S::EsmeRinvdstadr);
        assert_eq!(
            status(|s| s.source.addr = "ThisIsTooLongForAlpha".into()),
            S::EsmeRinvsrcadr
        );
        assert_eq!(status(|s| s.source.ton = 9), S::EsmeRinvsrcton);
        assert_eq!(status(|s| s.dest.npi = 7), S::EsmeRinvdstnpi);
        assert_eq!(status(|s| s.esm_class = 0x04), S::EsmeRinvesmclass);
        assert_eq!(status(|s| s.priority = 5), S::EsmeRinvprtflg);
        assert_eq!(
            status(|s| s.registered_delivery = 0x20),
            S::EsmeRinvregdlvflg
        );
        assert_eq!(status(|s| s.replace_if_present = 2), S::EsmeRinvrepflag);
        assert_eq!(status(|s| s.data_coding = 0x0B), S::EsmeRinvdcs);
        assert_eq!(status(|s| s.sm_default_msg_id = 3), S::EsmeRinvdftmsgid);
        assert_eq!(
            status(|s| s.short_message = vec![b'a'; 161]),
            S::EsmeRinvmsglen
        );
        assert_eq!(
            status(|s| {
                s.data_coding = 8;
                s.short_message = vec![0; 141]
            }),
            S::EsmeRinvmsglen
        );
        assert_eq!(
            status(|s| s.schedule = "not a time".into()),
            S::EsmeRinvsched
        );
        assert_eq!(
            status(|s| s.validity = "991399000000000+".into()),
            S::EsmeRinvexpiry
        );
    }

    #[test]
    fn relative_validity_is_capped_at_the_maximum() {
        let mut s = sub();
        s.validity = "000030000000000R".into(); // 30 days
        let m = s.into_message("1".into(), "a", &lim()).expect("valid");
        assert_eq!(m.expires_at, lim().now_ms + 10_000);
    }
}
