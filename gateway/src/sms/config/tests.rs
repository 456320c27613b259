use super::{tls::host_of, *};

fn parse(extra: &str) -> Result<SmscConfig, toml::de::Error> {
    toml::from_str(&format!(
        "name = \"primary\"\naddress = \"127.0.0.1:2775\"\nsystem_id = \"gateway\"\npassword = \"gw-pw\"\n{extra}"
    ))
}

#[test]
fn defaults_fill_a_minimal_table() {
    let c = parse("").unwrap();
    assert_eq!(
        c,
        SmscConfig::new("primary", "127.0.0.1:2775", "gateway", "gw-pw")
    );
    assert_eq!(c.bind, BindKind::Transceiver);
    assert_eq!((c.interface_version, c.window, c.priority), (0x34, 10, 0));
    assert_eq!(c.message_id_format, IdFormat::Auto);
    assert_eq!(format!("{:?}", c.password), "<redacted>");
    c.validate().unwrap();
}

#[test]
fn every_field_parses() {
    let c = parse(
        "bind = \"tx+rx\"\ninterface_version = 0x50\nsource_addr = \"ACME\"\nsource_ton = 5\n\
         source_npi = 0\nwindow = 4\nmax_rate = 20\nenquire_link_s = 15\nreconnect_min_ms = 100\n\
         reconnect_max_ms = 200\npriority = 2\nmessage_id_format = \"hex\"\nsystem_type = \"OTP\"\n\
         response_timeout_ms = 500\nthrottle_backoff_ms = 50\nthrottle_retries = 9\n\
         [tls]\nca_pem_path = \"ca.pem\"\nserver_name = \"smsc.example\"",
    )
    .unwrap();
    assert_eq!(c.bind, BindKind::TxRx);
    assert_eq!((c.interface_version, c.max_rate, c.priority), (0x50, 20, 2));
    assert_eq!(c.message_id_format, IdFormat::Hex);
    assert_eq!(c.tls.unwrap().server_name.as_deref(), Some("smsc.example"));
}

#[test]
fn unknown_keys_and_bad_values_are_refused() {
    assert!(parse("colour = \"red\"").is_err());
    assert!(parse("bind = \"both\"").is_err());
    assert!(parse("message_id_format = \"base64\"").is_err());
    let bad = [
        "system_type = \"much-too-long-type\"",
        "interface_version = 0x40",
        "window = 0",
        "reconnect_min_ms = 500\nreconnect_max_ms = 100",
        "source_addr = \"+123456789012345678901\"",
    ];
    for extra in bad {
        assert!(parse(extra).unwrap().validate().is_err(), "{extra}");
    }
    let mut c = parse("").unwrap();
    c.password = SmppPassword("ninechars".into());
    assert!(c.validate().unwrap_err().contains("password"));
}

#[test]
fn source_ton_npi_follow_the_address_unless_set() {
    let mut c = parse("source_addr = \"+447700900000\"").unwrap();
    assert_eq!(c.source_ton_npi(), (1, 1));
    c.source_addr = "ACME".into();
    assert_eq!(c.source_ton_npi(), (5, 0));
    c.source_ton = Some(2);
    assert_eq!(c.source_ton_npi(), (2, 0));
    c.source_addr.clear();
    c.source_ton = None;
    assert_eq!(c.source_ton_npi(), (0, 0));
}

#[test]
fn esme_configs_follow_bind_kind() {
    let c = parse("window = 3\nresponse_timeout_ms = 700").unwrap();
    let one = c.esme_configs().unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].bind_mode, BindMode::Transceiver);
    assert_eq!(one[0].window, 3);
    assert_eq!(one[0].response_timeout, Duration::from_millis(700));
    let two = parse("bind = \"tx+rx\"").unwrap().esme_configs().unwrap();
    let modes: Vec<_> = two.iter().map(|e| e.bind_mode).collect();
    assert_eq!(modes, vec![BindMode::Transmitter, BindMode::Receiver]);
}

#[test]
fn tls_needs_a_readable_ca() {
    let c = parse("[tls]\nca_pem_path = \"/nonexistent/ca.pem\"").unwrap();
    assert!(c.esme_configs().unwrap_err().contains("ca_pem_path"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    let ca = rcgen::generate_simple_self_signed(vec!["smsc.test".into()]).unwrap();
    std::fs::write(&path, ca.cert.pem()).unwrap();
    let mut c = parse("").unwrap();
    c.tls = Some(SmscTls {
        ca_pem_path: path,
        server_name: None,
    });
    let e = c.esme_configs().unwrap();
    let tls = e[0].tls.as_ref().expect("TLS settings");
    assert_eq!(tls.server_name.to_str(), "127.0.0.1");
}

#[test]
fn host_of_strips_port_and_brackets() {
    assert_eq!(host_of("smsc.example:2775"), "smsc.example");
    assert_eq!(host_of("[::1]:2775"), "::1");
}
