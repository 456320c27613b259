//! Hostile input: arbitrary and mutated octets never panic a decoder, and
//! whatever decodes re-encodes to something that decodes to the same value.

use proptest::prelude::*;

use super::strategies_tpdu::{deliver, status_report, submit};
use crate::tpdu::*;

/// Decodes with every decoder; each success must survive encode → decode.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(t) = decode_mt(bytes) {
        let again = t
            .encode()
            .map_err(|e| TestCaseError::fail(format!("{t:?}: {e}")))?;
        prop_assert_eq!(decode_mt(&again).unwrap(), t);
    }
    if let Ok(t) = decode_mo(bytes) {
        let again = t
            .encode()
            .map_err(|e| TestCaseError::fail(format!("{t:?}: {e}")))?;
        prop_assert_eq!(decode_mo(&again).unwrap(), t);
    }
    let _ = SmsDeliver::decode(bytes);
    let _ = SmsSubmit::decode(bytes);
    let _ = SmsStatusReport::decode(bytes);
    let _ = SmsDeliverReport::decode_ack(bytes);
    let _ = SmsDeliverReport::decode_error(bytes);
    Ok(())
}

fn valid_tpdu() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        deliver().prop_map(|d| d.encode().unwrap()),
        submit().prop_map(|s| s.encode().unwrap()),
        status_report().prop_map(|r| r.encode().unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn arbitrary_octets_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&bytes)?;
    }

    /// Valid TPDUs with a few octets overwritten, then cut or extended:
    /// close enough to valid to reach the deep fields.
    #[test]
    fn mutated_tpdus_never_panic(
        mut bytes in valid_tpdu(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        tail in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        check(&bytes)?;
        let mut cut_bytes = bytes[..cut.index(bytes.len() + 1)].to_vec();
        check(&cut_bytes)?;
        cut_bytes.extend(tail);
        check(&cut_bytes)?;
    }
}
