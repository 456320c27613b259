//! proptest strategies for whole TPDUs, built from the field strategies
//! in [`super::strategies`].

use proptest::prelude::*;

use super::strategies::{address, dcs_and_user_data, timestamp, user_data_for, validity};
use crate::tpdu::*;

pub(crate) fn deliver() -> impl Strategy<Value = SmsDeliver> {
    (
        any::<[bool; 3]>(),
        address(),
        any::<u8>(),
        dcs_and_user_data(),
        timestamp(),
    )
        .prop_map(
            |([mms, rp, sri], originating_address, protocol_identifier, (dcs, user_data), scts)| {
                SmsDeliver {
                    more_messages_to_send: mms,
                    reply_path: rp,
                    status_report_indication: sri,
                    originating_address,
                    protocol_identifier,
                    dcs,
                    service_centre_timestamp: scts,
                    user_data,
                }
            },
        )
}

pub(crate) fn submit() -> impl Strategy<Value = SmsSubmit> {
    let flags = (any::<[bool; 3]>(), any::<u8>(), any::<u8>());
    (flags, address(), validity(), dcs_and_user_data()).prop_map(
        |(([rd, rp, srr], mr, pid), destination_address, validity_period, (dcs, user_data))| {
            SmsSubmit {
                reject_duplicates: rd,
                reply_path: rp,
                status_report_request: srr,
                message_reference: mr,
                destination_address,
                protocol_identifier: pid,
                dcs,
                validity_period,
                user_data,
            }
        },
    )
}

/// The optional TP-PID, TP-DCS and user data of the report TPDUs; user
/// data without TP-DCS is GSM 7-bit, as a receiver assumes.
pub(crate) fn optional_parameters()
-> impl Strategy<Value = (Option<u8>, Option<DataCodingScheme>, Option<UserData>)> {
    (any::<Option<u8>>(), any::<Option<u8>>(), any::<bool>()).prop_flat_map(
        |(pid, dcs, with_ud)| {
            let dcs = dcs.map(DataCodingScheme);
            let ud = if with_ud {
                user_data_for(dcs.unwrap_or_default())
                    .prop_map(Some)
                    .boxed()
            } else {
                Just(None).boxed()
            };
            (Just(pid), Just(dcs), ud)
        },
    )
}

pub(crate) fn status_report() -> impl Strategy<Value = SmsStatusReport> {
    let fixed = (
        any::<[bool; 2]>(),
        any::<u8>(),
        address(),
        timestamp(),
        timestamp(),
        any::<u8>(),
    );
    (fixed, optional_parameters()).prop_map(
        |(([mms, srq], mr, recipient_address, scts, dt, st), (pid, dcs, user_data))| {
            SmsStatusReport {
                more_messages_to_send: mms,
                status_report_qualifier: srq,
                message_reference: mr,
                recipient_address,
                service_centre_timestamp: scts,
                discharge_time: dt,
                status: TpStatus(st),
                protocol_identifier: pid,
                dcs,
                user_data,
            }
        },
    )
}

pub(crate) fn deliver_report(
    cause: impl Strategy<Value = Option<u8>>,
) -> impl Strategy<Value = SmsDeliverReport> {
    (cause, optional_parameters()).prop_map(|(cause, (pid, dcs, user_data))| SmsDeliverReport {
        failure_cause: cause.map(FailureCause),
        protocol_identifier: pid,
        dcs,
        user_data,
    })
}
