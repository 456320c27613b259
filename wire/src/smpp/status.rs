//! Which command_status answers a PDU that rusmpp could not decode.
//!
//! rusmpp (with its `verbose` feature) reports the chain of fields that led to
//! a decode error; the innermost field we recognise decides the status, so a
//! non-ASCII source_addr is ESME_RINVSRCADR and an over-long system_id is
//! ESME_RINVSYSID, as the SMPP spec expects, rather than a dropped connection.

use rusmpp::{
    CommandId, CommandStatus,
    decode::{COctetStringDecodeError, DecodeError, DecodeErrorKind},
    fields::SmppField,
};

/// Fields on the path from the PDU to the failing value, outermost first.
fn field_path(err: &DecodeError) -> Vec<SmppField> {
    let mut path = Vec::new();
    let mut cur = err;
    while let Some(src) = cur.source() {
        path.push(src.field());
        cur = src.error();
    }
    path
}

fn status_for_field(field: SmppField) -> Option<CommandStatus> {
    use CommandStatus as S;
    use SmppField as F;
    Some(match field {
        F::system_id => S::EsmeRinvsysid,
        F::password => S::EsmeRinvpaswd,
        F::system_type => S::EsmeRinvsystyp,
        F::address_range | F::addr_ton | F::addr_npi => S::EsmeRbindfail,
        F::service_type => S::EsmeRinvsertyp,
        F::source_addr => S::EsmeRinvsrcadr,
        F::source_addr_ton => S::EsmeRinvsrcton,
        F::source_addr_npi => S::EsmeRinvsrcnpi,
        F::destination_addr | F::dest_address => S::EsmeRinvdstadr,
        F::dest_addr_ton => S::EsmeRinvdstton,
        F::dest_addr_npi => S::EsmeRinvdstnpi,
        F::number_of_dests => S::EsmeRinvnumdests,
        F::dl_name => S::EsmeRinvdlname,
        F::esm_class => S::EsmeRinvesmclass,
        F::schedule_delivery_time => S::EsmeRinvsched,
        F::validity_period => S::EsmeRinvexpiry,
        F::short_message | F::sm_length => S::EsmeRinvmsglen,
        F::message_id => S::EsmeRinvmsgid,
        F::registered_delivery => S::EsmeRinvregdlvflg,
        F::priority_flag => S::EsmeRinvprtflg,
        F::replace_if_present_flag => S::EsmeRinvrepflag,
        F::data_coding => S::EsmeRinvdcs,
        F::sm_default_msg_id => S::EsmeRinvdftmsgid,
        _ => return None,
    })
}

/// Map a body decode error to (status, is_length_problem). A length problem
/// (the body ended early) is answered with generic_nack ESME_RINVCMDLEN.
pub fn status_for_decode_error(id: CommandId, err: &DecodeError) -> (CommandStatus, bool) {
    let path = field_path(err);
    if path.contains(&SmppField::tlvs) {
        let status = match err.kind() {
            DecodeErrorKind::UnexpectedEof => CommandStatus::EsmeRinvtlvlen,
            _ => CommandStatus::EsmeRinvtlvval,
        };
        return (status, false);
    }
    // The frame ran out inside a field: command_length was too short for the body.
    if let DecodeErrorKind::UnexpectedEof
    | DecodeErrorKind::COctetStringDecodeError(COctetStringDecodeError::TooFewBytes {
        ..
    }) = err.kind()
    {
        return (CommandStatus::EsmeRinvcmdlen, true);
    }
    if let DecodeErrorKind::UnsupportedKey { .. } = err.kind() {
        return (CommandStatus::EsmeRinvcmdid, true);
    }
    let status = path.iter().rev().find_map(|f| status_for_field(*f));
    match status {
        Some(s) => (s, false),
        None if id.is_operation() => (CommandStatus::EsmeRsyserr, false),
        None => (CommandStatus::EsmeRinvcmdlen, true),
    }
}
