//! proptest strategies for TPDUs and their fields. Texts use the GSM 7-bit
//! alphabet ([`gsm7::alphabet`]) or any `char`, as `crate::text`'s own
//! strategies do; bodies are shortened until they fit one TPDU.

use proptest::prelude::*;
use time::Month;

use crate::text::{InformationElement, gsm7};
use crate::tpdu::*;

pub(crate) fn gsm_text(max: usize) -> BoxedStrategy<String> {
    let chars: Vec<char> = gsm7::alphabet().collect();
    prop::collection::vec(prop::sample::select(chars), 0..max)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

pub(crate) fn any_text(max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(any::<char>(), 0..max)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

pub(crate) fn address() -> impl Strategy<Value = TpAddress> {
    let numeric = (
        prop::sample::select(vec![0u8, 1, 2, 3, 4, 6, 7]),
        0u8..16,
        prop::collection::vec(
            prop::sample::select("0123456789*#abc".chars().collect::<Vec<_>>()),
            0..=20,
        ),
    )
        .prop_map(|(ton, npi, digits)| {
            let ton = TypeOfNumber::from_code(ton);
            TpAddress::new(
                ton,
                NumberingPlan::from_code(npi),
                digits.into_iter().collect::<String>(),
            )
        });
    let alphanumeric = (0u8..16, gsm_text(12)).prop_map(|(npi, mut text)| {
        while gsm7::septet_count(&text).is_some_and(|n| n > 11) {
            text.pop();
        }
        TpAddress::new(
            TypeOfNumber::Alphanumeric,
            NumberingPlan::from_code(npi),
            text,
        )
    });
    prop_oneof![3 => numeric, 1 => alphanumeric]
}

pub(crate) fn timestamp() -> impl Strategy<Value = Timestamp> {
    (1990u16..=2089, 1u8..=12)
        .prop_flat_map(|(year, month)| {
            let m = Month::try_from(month).expect("1..=12 is a month");
            let days = time::util::days_in_month(m, i32::from(year));
            (
                Just(year),
                Just(month),
                1..=days,
                0u8..24,
                0u8..60,
                0u8..60,
                -79i8..=79,
            )
        })
        .prop_map(|(year, month, day, hour, minute, second, tz)| Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
            tz_quarter_hours: tz,
        })
}

pub(crate) fn validity() -> impl Strategy<Value = Option<ValidityPeriod>> {
    prop_oneof![
        Just(None),
        any::<u8>().prop_map(|c| Some(ValidityPeriod::Relative(c))),
        timestamp().prop_map(|t| Some(ValidityPeriod::Absolute(t))),
        any::<[u8; 7]>().prop_map(|o| Some(ValidityPeriod::Enhanced(o))),
    ]
}

fn element() -> impl Strategy<Value = InformationElement> {
    prop_oneof![
        any::<(u8, u8, u8)>().prop_map(|(reference, total, seq)| InformationElement::Concat8 {
            reference,
            total,
            seq
        }),
        any::<(u16, u8, u8)>().prop_map(|(reference, total, seq)| InformationElement::Concat16 {
            reference,
            total,
            seq
        }),
        any::<(u8, u8)>().prop_map(|(destination, originator)| InformationElement::Port8 {
            destination,
            originator
        }),
        any::<(u16, u16)>().prop_map(|(destination, originator)| InformationElement::Port16 {
            destination,
            originator
        }),
        (
            any::<u8>().prop_filter("typed IEIs", |i| ![0x00, 0x04, 0x05, 0x08].contains(i)),
            prop::collection::vec(any::<u8>(), 0..10)
        )
            .prop_map(|(iei, data)| InformationElement::Other { iei, data }),
    ]
}

pub(crate) fn header() -> impl Strategy<Value = Option<UserDataHeader>> {
    prop::option::of(
        prop::collection::vec(element(), 0..3).prop_map(|elements| UserDataHeader { elements }),
    )
}

/// User data `dcs` can carry, shortened to fit one TPDU.
pub(crate) fn user_data_for(dcs: DataCodingScheme) -> BoxedStrategy<UserData> {
    let body = if !dcs.is_text() {
        prop::collection::vec(any::<u8>(), 0..150)
            .prop_map(UserDataBody::Binary)
            .boxed()
    } else if dcs.alphabet() == Alphabet::Gsm7 {
        gsm_text(200).prop_map(UserDataBody::Text).boxed()
    } else {
        any_text(90).prop_map(UserDataBody::Text).boxed()
    };
    (header(), body)
        .prop_map(move |(header, body)| {
            let mut ud = UserData { header, body };
            while ud.encode(dcs).is_err() {
                match &mut ud.body {
                    UserDataBody::Text(t) => t.pop().map(drop),
                    UserDataBody::Binary(b) => b.pop().map(drop),
                }
                .expect("an empty body always fits beside a small header");
            }
            ud
        })
        .boxed()
}

pub(crate) fn dcs_and_user_data() -> impl Strategy<Value = (DataCodingScheme, UserData)> {
    any::<u8>().prop_flat_map(|b| {
        let dcs = DataCodingScheme(b);
        (Just(dcs), user_data_for(dcs))
    })
}
