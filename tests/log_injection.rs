//! Text from SMPP peers cannot forge log lines in smsc-sim: a bind whose
//! system_id carries CR LF and an ANSI escape, and a submit_sm whose
//! alphanumeric sender does, reach smsc-sim's logs (at TRACE) escaped, so
//! every line of its stderr is one of its own events. The formatter is the
//! shared `log-escape` crate, which handset-sim and the gateway use too.

mod parts;

use parts::*;
use wire::esme::{Esme, EsmeConfig, EsmeError};

const FORGED: &str = "FORGED INFO";

#[tokio::test]
async fn hostile_system_id_and_sender_stay_inside_one_log_line() {
    let scratch = Scratch::new("loginject").with_log("trace,smsc_sim=trace,wire=trace");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);

    // 15 octets, the most a system_id holds: a line break, then text that
    // would look like a line of smsc-sim's own.
    let evil_id = format!("x\r\n{}\x1b", &FORGED[..11]);
    let refused = Esme::connect(EsmeConfig::new(smsc.addr("smpp"), &evil_id, "nope")).await;
    assert!(
        matches!(refused, Err(EsmeError::BindFailed(_))),
        "a bind with an unknown system_id is refused: {refused:?}"
    );

    let (esme, _events) = Esme::connect(EsmeConfig::new(smsc.addr("smpp"), "tester", "test-pw"))
        .await
        .expect("tester binds");
    let sm = wire::smpp::rusmpp::pdus::SubmitSm::builder()
        .source_addr_ton(wire::smpp::rusmpp::values::Ton::Alphanumeric)
        .source_addr(
            wire::smpp::rusmpp::types::COctetString::from_string(format!("a\n{FORGED}"))
                .expect("sender fits"),
        )
        .destination_addr(
            wire::smpp::rusmpp::types::COctetString::from_string("447700900101".into())
                .expect("number fits"),
        )
        .esm_class(wire::smpp::esm::esm_class(0))
        .short_message(
            wire::smpp::rusmpp::types::OctetString::from_slice(b"hello").expect("text fits"),
        )
        .build();
    // Accepted or not, the sender has been through the session's logging.
    let _ = esme.submit_sm(sm).await;
    let _ = esme.unbind().await;
    smsc.stop();

    let log = scratch.log("smsc-sim");
    assert!(
        log.contains("system_id"),
        "the refused bind is logged: {log}"
    );
    for line in log.lines() {
        assert!(
            !line.starts_with(FORGED) && !line.starts_with("FORGED"),
            "a peer forged a log line: {line:?}"
        );
        assert!(!line.contains('\x1b'), "raw ESC reached the log: {line:?}");
        assert!(!line.contains('\r'), "raw CR reached the log: {line:?}");
    }
    assert!(
        log.contains("\\r\\nFORGED"),
        "the system_id is in the log, escaped: {log}"
    );
}
