//! The fields of submit_sm and data_sm as a [`Submission`] for validation,
//! and the message_id field of the responses.

use wire::smpp::rusmpp::pdus::{DataSm, SubmitSm};
use wire::smpp::rusmpp::types::COctetString;

use super::validate::Submission;
use crate::message::Address;

pub(super) fn addr(ton: impl Into<u8>, npi: impl Into<u8>, a: &str) -> Address {
    Address {
        ton: ton.into(),
        npi: npi.into(),
        addr: a.to_owned(),
    }
}

pub(super) fn from_submit_sm(sm: &SubmitSm) -> Submission {
    Submission {
        service_type: sm.service_type.value().as_str().to_owned(),
        source: addr(
            sm.source_addr_ton,
            sm.source_addr_npi,
            sm.source_addr.as_str(),
        ),
        dest: addr(
            sm.dest_addr_ton,
            sm.dest_addr_npi,
            sm.destination_addr.as_str(),
        ),
        esm_class: sm.esm_class.into(),
        protocol_id: sm.protocol_id,
        priority: sm.priority_flag.into(),
        schedule: sm.schedule_delivery_time.as_str().to_owned(),
        validity: sm.validity_period.as_str().to_owned(),
        registered_delivery: sm.registered_delivery.into(),
        replace_if_present: sm.replace_if_present_flag.into(),
        data_coding: sm.data_coding.into(),
        sm_default_msg_id: sm.sm_default_msg_id,
        short_message: sm.short_message().as_ref().to_vec(),
        tlvs: sm.tlvs().to_vec(),
    }
}

pub(super) fn from_data_sm(sm: &DataSm) -> Submission {
    Submission {
        service_type: sm.service_type.value().as_str().to_owned(),
        source: addr(
            sm.source_addr_ton,
            sm.source_addr_npi,
            sm.source_addr.as_str(),
        ),
        dest: addr(
            sm.dest_addr_ton,
            sm.dest_addr_npi,
            sm.destination_addr.as_str(),
        ),
        esm_class: sm.esm_class.into(),
        protocol_id: 0,
        priority: 0,
        schedule: String::new(),
        validity: String::new(),
        registered_delivery: sm.registered_delivery.into(),
        replace_if_present: 0,
        data_coding: sm.data_coding.into(),
        sm_default_msg_id: 0,
        short_message: Vec::new(),
        tlvs: sm.tlvs().to_vec(),
    }
}

pub(super) fn message_id(id: &str) -> COctetString<1, 65> {
    COctetString::from_string(id.to_owned()).unwrap_or_else(|_| COctetString::empty())
}
