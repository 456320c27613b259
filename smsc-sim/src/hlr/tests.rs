//! HLR lookups: exact entries, prefixes, the default.
use super::*;

#[test]
fn longest_match_then_default() {
    let hlr = Hlr::new(
        Profile::Auto { delay_ms: 5 },
        vec![
            HlrEntry {
                number: "+4477".into(),
                prefix: true,
                profile: Profile::Unknown,
            },
            HlrEntry {
                number: "447700900123".into(),
                prefix: false,
                profile: Profile::Auto { delay_ms: 1 },
            },
        ],
    );
    assert_eq!(hlr.lookup("+447700900123"), Profile::Auto { delay_ms: 1 });
    assert_eq!(hlr.lookup("447700900999"), Profile::Unknown);
    assert_eq!(hlr.lookup("33612345678"), Profile::Auto { delay_ms: 5 });
    assert!(hlr.remove("4477"));
    assert_eq!(hlr.lookup("447700900999"), Profile::Auto { delay_ms: 5 });
}
