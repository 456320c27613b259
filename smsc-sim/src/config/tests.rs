use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use wire::smpp::rusmpp::CommandStatus;

use super::*;
use crate::faults::FaultAction;
use crate::message::MessageState;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/smsc-sim.toml");

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("test address")
}

#[test]
fn fixture_loads_with_the_documented_accounts() {
    let config = Config::from_file(FIXTURE).expect("fixture is valid");
    let ids: Vec<_> = config
        .accounts
        .iter()
        .map(|a| a.system_id.as_str())
        .collect();
    assert_eq!(ids, ["gateway", "tester"]);
    let gateway = config.account("gateway").expect("gateway account");
    assert!(gateway.password.verify("gw-pw"));
    assert!(
        config
            .account("tester")
            .expect("tester account")
            .password
            .verify("test-pw")
    );
    assert!(
        config.accounts.iter().all(|a| a.max_rate.is_none()),
        "no rate limit"
    );
    assert!(gateway.bind_types.allows(BindType::Receiver));
    assert_eq!(config.hlr.default_profile, HlrProfile::Auto);
    // The five fixture handsets, the same numbers as fixtures/handset-sim.toml.
    let handsets: Vec<_> = config
        .hlr
        .subscribers
        .iter()
        .filter(|s| s.profile == HlrProfile::Handset && s.handset.imsi.is_some())
        .collect();
    assert_eq!(handsets.len(), 5);
    assert_eq!(config.air.listen, addr("127.0.0.1:4775"));
    assert_eq!(config.faults.seed, 42);
    assert!(config.faults.rules.is_empty());
    assert_eq!(config.smpp.listen, addr("127.0.0.1:2775"));
    assert_eq!(config.http.listen, addr("127.0.0.1:8775"));
}

/// The commented examples in the fixture must stay valid: uncomment them all.
#[test]
fn fixture_examples_are_valid_when_uncommented() {
    let text = std::fs::read_to_string(FIXTURE).expect("fixture readable");
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest
                        .split_once(" = ")
                        .is_some_and(|(k, _)| !k.contains(' ')) =>
            {
                rest
            }
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let config =
        Config::from_toml_str(&uncommented).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
    assert_eq!(config.hlr.subscribers.len(), 7);
    assert!(config.smpp.tls.is_some());
    let actions: Vec<_> = config.faults.rules.iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [
            FaultAction::Reject(CommandStatus::EsmeRsubmitfail),
            FaultAction::Throttle,
            FaultAction::Receipt {
                state: MessageState::Undeliverable,
                error: 11
            },
            FaultAction::ReceiptDelay(Duration::from_millis(5000)),
        ]
    );
}

#[test]
fn empty_file_is_the_default_loopback_smsc() {
    let config = Config::from_toml_str("").expect("empty is valid");
    assert_eq!(config, Config::default());
    assert!(config.accounts.is_empty());
    assert!(config.smpp.listen.ip().is_loopback() && config.http.listen.ip().is_loopback());
    assert_eq!(config.smpp.enquire_link, Some(Duration::from_secs(30)));
    assert_eq!(
        config.delivery.default_validity,
        Duration::from_secs(172_800)
    );
}

#[test]
fn account_defaults_and_zero_meaning_off() {
    let config = Config::from_toml_str(
        "[smpp]\ninactivity_timeout_s = 0\nenquire_link_s = 0\n\
         [[accounts]]\nsystem_id = \"a\"\npassword = \"p\"\nmax_rate = 50\nbind_types = [\"receiver\"]\n",
    )
    .expect("valid");
    assert_eq!(config.smpp.inactivity_timeout, None);
    assert_eq!(config.smpp.enquire_link, None);
    let a = &config.accounts[0];
    assert_eq!(a.max_rate, NonZeroU32::new(50));
    assert_eq!(a.window.get(), 100);
    assert_eq!(a.max_binds.get(), 8);
    assert!(a.receipts_enabled);
    assert_eq!(a.message_id_format, MessageIdFormat::Decimal);
    assert!(a.address_range.is_empty());
    assert!(!a.bind_types.allows(BindType::Transmitter));
}

#[test]
fn from_file_resolves_relative_paths_and_names_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("smsc.toml");
    std::fs::write(
        &path,
        "[smpp.tls]\ncert = \"c.pem\"\nkey = \"/abs/k.pem\"\n[store]\ndata_dir = \"d\"\n",
    )
    .expect("write config");
    let config = Config::from_file(&path).expect("valid");
    let tls = config.smpp.tls.expect("tls section");
    assert_eq!(tls.cert, dir.path().join("c.pem"));
    assert_eq!(tls.key, std::path::PathBuf::from("/abs/k.pem"));
    assert_eq!(tls.listen, addr("127.0.0.1:2776"));
    assert_eq!(config.store.data_dir, Some(dir.path().join("d")));

    std::fs::write(&path, "[smpp]\nlisen = \"127.0.0.1:1\"\n").expect("write config");
    let err = Config::from_file(&path).expect_err("typo").to_string();
    assert!(err.contains("smsc.toml") && err.contains("lisen"), "{err}");
    let missing = Config::from_file(dir.path().join("nope.toml")).expect_err("missing file");
    assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
}

#[test]
fn air_frame_len_bounds_and_free_ports_are_accepted() {
    for len in [1024, 1 << 20] {
        let config = Config::from_toml_str(&format!("[air]\nmax_frame_len = {len}\n"))
            .unwrap_or_else(|e| panic!("{len}: {e}"));
        assert_eq!(config.air.max_frame_len, len);
    }
    // Port 0 is never "already used": each listener gets its own free port.
    let all_free = "[smpp]\nlisten = \"127.0.0.1:0\"\n[http]\nlisten = \"127.0.0.1:0\"\n\
                    [air]\nlisten = \"127.0.0.1:0\"\n";
    assert!(Config::from_toml_str(all_free).is_ok());
}

const ACCOUNT: &str = "[[accounts]]\nsystem_id = \"gw\"\npassword = \"pw\"\n";

/// (config text, words the error must contain)
fn bad_configs() -> Vec<(String, &'static [&'static str])> {
    let acct = |extra: &str| format!("{ACCOUNT}{extra}\n");
    let rule = |body: &str| format!("{ACCOUNT}[[faults.rules]]\n{body}\n");
    vec![
        ("[smpp]\nlisen = \"127.0.0.1:1\"".into(), &["lisen"][..]),
        ("[smtp]\nlisten = \"127.0.0.1:1\"".into(), &["smtp"]),
        ("[smpp]\nlisten = \"localhost\"".into(), &["listen"]),
        ("[smpp]\nbind_timeout_s = 0".into(), &["bind_timeout_s", "greater than 0"]),
        ("[smpp]\nresponse_timeout_s = -1".into(), &["response_timeout_s"]),
        ("[smpp]\nmax_pdu_len = 100".into(), &["smpp.max_pdu_len"]),
        ("[smpp]\nmax_connections = 0".into(), &["smpp.max_connections"]),
        ("[smpp.tls]\ncert = \"c.pem\"".into(), &["key"]),
        ("[http]\nlisten = \"127.0.0.1:2775\"".into(), &["http.listen", "smpp.listen"]),
        ("[air]\nlisten = \"127.0.0.1:8775\"".into(), &["air.listen", "http.listen"]),
        ("[air]\nlisten = \"127.0.0.1:2775\"".into(), &["air.listen", "smpp.listen"]),
        ("[air]\nmax_frame_len = 1023".into(), &["air.max_frame_len", "1024..=1048576"]),
        ("[air]\nmax_frame_len = 1048577".into(), &["air.max_frame_len"]),
        ("[store]\nsync = \"always\"".into(), &["sync", "always"]),
        ("[store]\nmemory = true\ndata_dir = \"x\"".into(), &["store.memory", "data_dir"]),
        ("[delivery]\nmax_validity_s = 60".into(), &["delivery.max_validity_s"]),
        ("[delivery]\nretry_schedule_s = [30, 0]".into(), &["retry_schedule_s"]),
        ("[[accounts]]\nsystem_id = \"a-very-long-system-id\"\npassword = \"p\"".into(), &["system_id"]),
        ("[[accounts]]\nsystem_id = \"gw\"\npassword = \"123456789\"".into(), &["password"]),
        ("[[accounts]]\nsystem_id = \"gw\"".into(), &["password"]),
        (acct("bind_types = []"), &["bind_types"]),
        (acct("bind_types = [\"sender\"]"), &["bind_types", "sender"]),
        (acct("window = 0"), &["window"]),
        (acct("max_binds = -2"), &["max_binds"]),
        (acct("message_id_format = \"base64\""), &["message_id_format"]),
        (acct("address_range = \"^(44|33)\""), &["address_range"]),
        (acct("max_rate = 1.5"), &["max_rate"]),
        (format!("{ACCOUNT}{ACCOUNT}"), &["accounts[1].system_id", "duplicate"]),
        ("[hlr]\ndefault_profile = \"ghost\"".into(), &["default_profile", "ghost"]),
        ("[hlr]\nauto_delay_ms = \"fast\"".into(), &["auto_delay_ms"]),
        ("[[hlr.subscribers]]\nnumber = \"1\"\nprefix = \"1\"\nprofile = \"auto\"".into(), &["number or prefix"]),
        ("[[hlr.subscribers]]\nnumber = \"44-77\"\nprofile = \"auto\"".into(), &["number"]),
        ("[[hlr.subscribers]]\nprefix = \"44\"\nprofile = \"auto\"\ndelay = 5".into(), &["delay"]),
        (
            "[[hlr.subscribers]]\nprefix = \"44\"\nprofile = \"auto\"\n[[hlr.subscribers]]\nprefix = \"+44\"\nprofile = \"unknown\""
                .into(),
            &["hlr.subscribers[1]", "prefix 44"],
        ),
        ("[faults]\nseed = \"x\"".into(), &["seed"]),
        (rule("probability = 1.5\naction = { throttle = true }"), &["probability"]),
        (rule("destination = \"^44\"\naction = { throttle = true }"), &["destination"]),
        (rule("account = \"gateway\"\naction = { throttle = true }"), &["faults.rules[0].account", "gateway"]),
        (rule("action = { reject = \"ESME_RNOPE\" }"), &["reject", "ESME_RNOPE"]),
        (rule("action = { reject = \"ESME_ROK\" }"), &["reject", "ESME_ROK"]),
        (rule("action = { throttle = false }"), &["throttle"]),
        (rule("action = { explode = true }"), &["explode"]),
        (rule("action = { receipt = { state = \"ENROUTE\" } }"), &["receipt.state"]),
        (rule("action = { receipt = { state = \"LOST\", error = 1 } }"), &["receipt.state", "LOST"]),
        (rule("action = { receipt_delay_ms = 5 }\nwhen = 1"), &["when"]),
        (rule("probability = 0.5"), &["action"]),
    ]
}

#[test]
fn every_error_names_the_field() {
    for (text, words) in bad_configs() {
        let err = match Config::from_toml_str(&text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e.to_string(),
        };
        for word in words {
            assert!(
                err.contains(word),
                "error for\n{text}\nlacks {word:?}:\n{err}"
            );
        }
    }
}
