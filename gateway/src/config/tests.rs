use std::net::SocketAddr;
use std::path::Path;

use super::*;
use crate::domain::{IdentityKind, OnlineIdentity};
use crate::sms::Locale;
use crate::store::{SyncMode, TerminalKind};

fn fixture_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/gateway.toml")
}

fn refused(text: &str) -> ConfigError {
    Config::from_toml_str(text).expect_err("should be refused")
}

fn invalid_field(text: &str) -> String {
    match refused(text) {
        ConfigError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other}"),
    }
}

/// The one table a config file cannot leave out.
const SMSC: &str =
    "[[smsc]]\nname = \"s\"\naddress = \"127.0.0.1:2775\"\nsystem_id = \"gw\"\npassword = \"pw\"\n";

#[test]
fn defaults_are_a_loopback_gateway() {
    let c = Config::from_toml_str(SMSC).expect("config with only an SMSC");
    assert_eq!(
        c.http.listen,
        "127.0.0.1:8080".parse::<SocketAddr>().expect("addr")
    );
    assert_eq!(c.merchant_api.listen.port(), 8443);
    assert_eq!(c.password_params(), PasswordParams::DEFAULT);
    assert_eq!(
        (
            c.lockout.max_password_failures,
            c.lockout.max_backup_failures
        ),
        (3, 3)
    );
    assert_eq!(c.codes.digits(), 6);
    assert_eq!(c.webhooks.max_attempts, 20);
    assert_eq!(c.webhooks.worker_config().max_attempts, 20);
    assert_eq!((c.store.sync, c.sms.locale), (SyncMode::Full, Locale::En));
    assert!(c.customers.is_empty() && c.admin.token.is_none() && c.sim_swap.is_none());
    assert!(Config::default().smsc.is_empty());
}

#[test]
fn a_config_without_smsc_is_refused_as_serve_would() {
    for text in ["", "[http]\nlisten = \"127.0.0.1:0\"\n", CUSTOMER] {
        let err = refused(text);
        assert!(
            matches!(&err, ConfigError::Invalid { field, .. } if field == "smsc"),
            "{err}"
        );
        // The words `gateway serve` fails with.
        assert!(
            err.to_string()
                .contains(&crate::sms::StartError::NoSmsc.to_string()),
            "{err}"
        );
    }
    // Other mistakes are reported before the missing SMSC.
    assert_eq!(invalid_field("[admin]\ntoken = \"short\"\n"), "admin.token");
}

#[test]
fn http_limits_out_of_range_are_refused() {
    for (toml, field) in [
        ("[http]\nmax_connections = 0\n", "http.max_connections"),
        ("[http]\nheader_timeout_s = 0\n", "http.header_timeout_s"),
        ("[http]\nidle_timeout_s = 3601\n", "http.idle_timeout_s"),
    ] {
        assert_eq!(invalid_field(toml), field, "{toml}");
    }
}

#[test]
fn sim_swap_max_age_hours_out_of_range_is_refused() {
    let sim_swap = |hours: u32| {
        format!("{SMSC}[sim_swap]\nurl = \"http://127.0.0.1:8775\"\nmax_age_hours = {hours}\n")
    };
    for hours in [1, 2400] {
        let c = Config::from_toml_str(&sim_swap(hours)).expect("in range");
        assert_eq!(c.sim_swap.map(|s| s.max_age_hours), Some(hours));
    }
    for hours in [0, 2401] {
        let err = refused(&sim_swap(hours));
        assert!(
            matches!(&err, ConfigError::Invalid { field, .. } if field == "sim_swap.max_age_hours"),
            "{err}"
        );
        assert!(err.to_string().contains("1..=2400"), "{err}");
    }
}

#[test]
fn the_fixture_file_parses_and_matches_the_handsets() {
    let c = Config::from_file(fixture_path()).expect("fixtures/gateway.toml");
    let names: Vec<_> = c.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let msisdns: Vec<_> = c
        .customers
        .iter()
        .flat_map(|c| c.terminals.iter().map(|t| (t.msisdn.as_str(), t.kind)))
        .collect();
    assert_eq!(
        msisdns,
        [
            ("447700900101", TerminalKind::Phone),
            ("447700900102", TerminalKind::Phone),
            ("447700900103", TerminalKind::Pager),
            ("447700900104", TerminalKind::StbCard),
            ("8613800138000", TerminalKind::Phone),
        ]
    );
    let li = &c.customers[3];
    assert_eq!(li.locale, Some(Locale::ZhCn));
    assert_eq!(
        li.limit_per_payment.map(|m| m.to_string()),
        Some("CNY 5000.00".into())
    );
    assert_eq!(c.customers[1].accounts.len(), 2);
    assert_eq!(c.customers[0].password.expose(), "alice-pass-1");
    let balances: Vec<_> = c
        .bank_accounts
        .iter()
        .map(|a| a.balance.to_string())
        .collect();
    assert!(
        balances.contains(&"GBP 5.00".to_owned()),
        "a low balance for declines"
    );
    let merchants: Vec<_> = c.merchants.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(merchants, ["Demo Shop", "ACME"]);
    assert_eq!(c.smsc.len(), 1);
    assert_eq!(
        (c.smsc[0].address.as_str(), c.smsc[0].system_id.as_str()),
        ("127.0.0.1:2775", "gateway")
    );
    assert_eq!(c.smsc[0].password.0, "gw-pw");
    assert_eq!(c.customers[0].identities[2].kind(), IdentityKind::Account);
}

#[test]
fn errors_name_the_file_and_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[lockout]\nmax_pasword_failures = 3\n").expect("write");
    let err = Config::from_file(&path).expect_err("typo").to_string();
    assert!(err.starts_with(&path.display().to_string()), "{err}");
    assert!(err.contains("max_pasword_failures"), "{err}");
    std::fs::write(&path, "[store]\nmemory = true\ndata_dir = \"x\"\n").expect("write");
    let err = Config::from_file(&path).expect_err("both").to_string();
    assert!(err.contains("bad.toml: store.memory"), "{err}");
    let missing = Config::from_file(dir.path().join("nope.toml")).expect_err("missing");
    assert!(matches!(missing, ConfigError::Read { .. }));
    let err = refused("[codes]\ndigits = 11\n").to_string();
    assert!(err.contains("digits"), "{err}");
}

#[test]
fn relative_paths_follow_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gw.toml");
    std::fs::write(&path, format!("{SMSC}[store]\ndata_dir = \"data\"\n")).expect("write");
    let c = Config::from_file(&path).expect("parse");
    assert_eq!(c.store.data_dir, Some(dir.path().join("data")));
}

#[test]
fn webhook_roots_are_read_from_the_file_next_to_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = crate::pki::Ca::load_or_create(dir.path()).expect("ca");
    std::fs::write(dir.path().join("hooks-ca.pem"), ca.cert_pem()).expect("write");
    std::fs::write(dir.path().join("junk.pem"), "not a certificate").expect("write");
    let path = dir.path().join("gw.toml");
    let with = |file: &str| {
        std::fs::write(
            &path,
            format!("{SMSC}[webhooks]\nca_pem_path = \"{file}\"\n"),
        )
        .expect("write");
        Config::from_file(&path).expect("parse")
    };
    let c = with("hooks-ca.pem");
    assert_eq!(
        c.webhooks.ca_pem_path,
        Some(dir.path().join("hooks-ca.pem"))
    );
    assert_eq!(c.webhooks.extra_roots().expect("roots").len(), 1);
    for bad in ["junk.pem", "missing.pem"] {
        let e = with(bad).webhooks.extra_roots().expect_err(bad);
        assert!(e.contains("webhooks.ca_pem_path") && e.contains(bad), "{e}");
    }
    assert!(
        Config::default()
            .webhooks
            .extra_roots()
            .expect("none")
            .is_empty()
    );
}

#[test]
fn password_profiles_and_explicit_values() {
    let strong = Config::from_toml_str(&format!("{SMSC}[passwords]\nprofile = \"strong\"\n"))
        .expect("strong");
    assert_eq!(strong.password_params(), PasswordParams::STRONG);
    let cheap =
        Config::from_toml_str(&format!("{SMSC}[passwords]\nm_kib = 8\nt = 1\n")).expect("cheap");
    assert_eq!(
        cheap.password_params(),
        PasswordParams {
            m_kib: 8,
            t: 1,
            p: 1
        }
    );
    assert_eq!(invalid_field("[passwords]\nm_kib = 4\n"), "passwords");
    assert_eq!(invalid_field("[passwords]\nt = 0\n"), "passwords");
    assert!(matches!(
        refused("[passwords]\nprofile = \"weak\"\n"),
        ConfigError::Syntax { .. }
    ));
}

const CUSTOMER: &str = r#"
[[customers]]
name = "A"
id_document = "X1234567"
identities = ["alice"]
password = "password-1"
terminals = [{ msisdn = "+447700900101", kind = "phone" }]
"#;

#[test]
fn fixture_values_are_parsed_and_cross_checked() {
    let c = Config::from_toml_str(&format!("{SMSC}{CUSTOMER}")).expect("minimal customer");
    assert_eq!(
        c.customers[0].terminals[0].msisdn, "447700900101",
        "stored without +"
    );
    assert_eq!(
        c.customers[0].identities,
        [OnlineIdentity::parse("alice").expect("alias")]
    );
    assert!(c.customers[0].backup_code.is_none());

    let twice = format!("{CUSTOMER}{}", CUSTOMER.replace("\"A\"", "\"B\""));
    assert_eq!(invalid_field(&twice), "customers[1].identities[0]");
    let no_account = format!(
        "{CUSTOMER}accounts = [\"GB00NOPE\"]\n[[bank_accounts]]\nnumber = \"GB11\"\nholder = \"x\"\ncurrency = \"GBP\"\nbalance = \"1.00\"\n"
    );
    assert_eq!(invalid_field(&no_account), "customers[0].accounts[0]");
    let short = CUSTOMER.replace("password-1", "short");
    assert!(refused(&short).to_string().contains("password"));
    for (extra, what) in [
        ("backup_code = \"nope\"", "backup code"),
        ("limit_per_day = \"12.00\"", "currency"),
        ("limit_per_day = \"GBP 0\"", "limit_per_day"),
        ("locale = \"fr\"", "fr"),
    ] {
        let err = refused(&format!("{CUSTOMER}{extra}\n")).to_string();
        assert!(err.to_lowercase().contains(what), "{extra}: {err}");
    }
    let bad_msisdn = CUSTOMER.replace("+447700900101", "alice");
    assert!(refused(&bad_msisdn).to_string().contains("msisdn"));
    let balance = "[[bank_accounts]]\nnumber = \"A1\"\nholder = \"x\"\ncurrency = \"JPY\"\nbalance = \"1.5\"\n";
    assert!(matches!(refused(balance), ConfigError::Syntax { .. }));
}

#[test]
fn merchants_and_smscs_are_checked() {
    let merchant = "[[merchants]]\nid = \"mer_a\"\nname = \"A\"\nwebhook_secret = \"0123456789abcdef\"\naccount = \"X\"\n";
    assert!(Config::from_toml_str(&format!("{SMSC}{merchant}")).is_ok());
    assert_eq!(invalid_field(&merchant.repeat(2)), "merchants[1].id");
    let short = merchant.replace("0123456789abcdef", "short");
    assert_eq!(invalid_field(&short), "merchants[0].webhook_secret");
    assert!(matches!(
        refused(&merchant.replace("mer_a", "a")),
        ConfigError::Syntax { .. }
    ));
    let smsc = SMSC;
    assert!(Config::from_toml_str(smsc).is_ok());
    assert_eq!(invalid_field(&smsc.repeat(2)), "smsc[1].name");
    assert_eq!(
        invalid_field(&smsc.replace("\"pw\"", "\"much-too-long\"")),
        "smsc[0]"
    );
    assert_eq!(invalid_field("[admin]\ntoken = \"short\"\n"), "admin.token");
    let same = "[http]\nlisten = \"127.0.0.1:9000\"\n[merchant_api]\nlisten = \"127.0.0.1:9000\"\n";
    assert_eq!(invalid_field(same), "merchant_api.listen");
}
