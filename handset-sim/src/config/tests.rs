use std::time::Duration;

use wire::air::TerminalKind;

use super::*;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/handset-sim.toml");

#[test]
fn fixture_has_the_five_subscribers() {
    let config = Config::from_file(FIXTURE).expect("fixture is valid");
    let got: Vec<_> = config
        .terminals
        .iter()
        .map(|t| {
            (
                t.msisdn.as_str(),
                t.imsi.as_str(),
                t.kind,
                t.label_or_default(),
            )
        })
        .collect();
    let want = [
        (
            "447700900101",
            "234150000000101",
            TerminalKind::Phone,
            "Alice's phone",
        ),
        (
            "447700900102",
            "234150000000102",
            TerminalKind::Phone,
            "Bob's phone",
        ),
        (
            "447700900103",
            "234150000000103",
            TerminalKind::Pager,
            "Bob's pager",
        ),
        (
            "447700900104",
            "234150000000104",
            TerminalKind::StbCard,
            "Carol's set-top card",
        ),
        (
            "8613800138000",
            "460001234567890",
            TerminalKind::Phone,
            "李伟的手机",
        ),
    ];
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0, g.1, g.2, g.3.as_str()), w);
    }
    assert!(
        config
            .terminals
            .iter()
            .all(|t| t.power && t.coverage && t.capacity == 30)
    );
    assert_eq!(config.cell, CellConfig::default());
    assert_eq!(config.http, HttpConfig::default());
    assert_eq!(config.codes.patterns, None);
}

/// The commented example patterns in the fixture must stay valid.
#[test]
fn fixture_example_patterns_are_valid_when_uncommented() {
    let text = std::fs::read_to_string(FIXTURE).expect("fixture readable");
    let uncommented = text.replace("# patterns = ", "patterns = ");
    let config = Config::from_toml_str(&uncommented).expect("valid");
    let x = config.codes.extractor().expect("patterns compile");
    assert_eq!(x.extract("Your code: 123456").as_deref(), Some("123456"));
    assert_eq!(x.extract("验证码：654321").as_deref(), Some("654321"));
}

#[test]
fn empty_file_is_a_loopback_cell_without_terminals() {
    let config = Config::from_toml_str("").expect("empty is valid");
    assert_eq!(config, Config::default());
    assert!(config.http.listen.ip().is_loopback());
    assert_eq!(config.http.listen.port(), 8776);
    assert_eq!(config.cell.air, "127.0.0.1:4775");
    assert_eq!(config.cell.reconnect_initial, Duration::from_millis(500));
}

#[test]
fn terminal_defaults() {
    let config = Config::from_toml_str(
        "[[terminals]]\nmsisdn = \"+447700900999\"\nimsi = \"234150000000999\"\nkind = \"pda\"\n",
    )
    .expect("valid");
    let t = &config.terminals[0];
    assert_eq!(t.msisdn.as_str(), "447700900999", "+ is dropped");
    assert_eq!((t.capacity, t.power, t.coverage), (30, true, true));
    assert_eq!(t.label_or_default(), "pda +447700900999");
}

#[test]
fn from_file_names_the_file() {
    let dir = std::env::temp_dir().join(format!("handset-sim-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("cell.toml");
    std::fs::write(&path, "[cell]\nidd = \"x\"\n").expect("write config");
    let err = Config::from_file(&path).expect_err("typo").to_string();
    assert!(err.contains("cell.toml") && err.contains("idd"), "{err}");
    let missing = Config::from_file(dir.join("nope.toml")).expect_err("missing file");
    assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

const T: &str =
    "[[terminals]]\nmsisdn = \"447700900101\"\nimsi = \"234150000000101\"\nkind = \"phone\"\n";

/// (config text, words the error must contain)
fn bad_configs() -> Vec<(String, &'static [&'static str])> {
    let t = |extra: &str| format!("{T}{extra}\n");
    vec![
        ("[cel]\nid = \"x\"".into(), &["cel"][..]),
        ("[cell]\nid = \"\"".into(), &["cell.id"]),
        ("[cell]\nair = \"localhost\"".into(), &["cell.air", "host:port"]),
        ("[cell]\nair = \"127.0.0.1:0\"".into(), &["cell.air", "port 0"]),
        ("[cell]\nair = \"h:99999\"".into(), &["cell.air", "99999"]),
        ("[cell]\nreconnect_initial_ms = 0".into(), &["reconnect_initial_ms", "greater than 0"]),
        ("[cell]\nreconnect_initial_ms = 5000\nreconnect_max_ms = 100".into(), &["cell.reconnect_max_ms"]),
        ("[cell]\nmax_frame_len = 10".into(), &["cell.max_frame_len"]),
        ("[http]\nlisten = \"nowhere\"".into(), &["listen"]),
        ("[codes]\npatterns = ['code (']".into(), &["codes", "patterns[0]"]),
        ("[codes]\npatterns = ['ok([0-9]+)', 'code [0-9]+']".into(), &["patterns[1]", "capture group"]),
        ("[[terminals]]\nmsisdn = \"44-77\"\nimsi = \"234150000000101\"\nkind = \"phone\"".into(), &["msisdn", "'-'"]),
        ("[[terminals]]\nmsisdn = \"447700900101\"\nimsi = \"12\"\nkind = \"phone\"".into(), &["imsi", "IMSI"]),
        ("[[terminals]]\nmsisdn = \"447700900101\"\nimsi = \"234150000000101\"\nkind = \"watch\"".into(), &["kind", "watch"]),
        ("[[terminals]]\nmsisdn = \"447700900101\"\nkind = \"phone\"".into(), &["imsi"]),
        (t("colour = \"red\""), &["colour"]),
        (t("capacity = -1"), &["capacity"]),
        (t("capacity = 10001"), &["terminals[0].capacity", "10000"]),
        (t(&format!("label = \"{}\"", "x".repeat(65))), &["terminals[0].label", "64"]),
        (format!("{T}{T}"), &["terminals[1].msisdn", "twice"]),
        (
            format!("{T}[[terminals]]\nmsisdn = \"447700900102\"\nimsi = \"234150000000101\"\nkind = \"pager\"\n"),
            &["terminals[1].imsi", "234150000000101"],
        ),
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
