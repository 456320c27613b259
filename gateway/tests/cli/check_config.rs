//! `gateway check-config`: the shipped fixture passes; a bad value, a
//! missing file and an unknown command are refused with a message.

use super::support::{Install, run_bin};

#[test]
fn check_config_accepts_the_fixture_and_names_what_is_wrong() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixture = root.join("fixtures/gateway.toml");
    let out = run_bin(
        &["check-config", "--config", fixture.to_str().unwrap()],
        "",
        &root,
    )
    .ok();
    assert!(
        out.stdout.contains("ok") && out.stdout.contains("4 customers"),
        "{out:?}"
    );

    let gw = Install::new();
    std::fs::write(
        gw.config(),
        "[lockout]\nmax_password_failures = \"three\"\n",
    )
    .unwrap();
    gw.run(&["check-config"]).fails(1, "max_password_failures");
    gw.run(&["customers", "list"])
        .fails(1, "max_password_failures");
    let missing = gw.path("missing.toml");
    run_bin(
        &["check-config", "--config", missing.to_str().unwrap()],
        "",
        gw.dir.path(),
    )
    .fails(1, "cannot read");
    run_bin(&["frobnicate"], "", gw.dir.path()).fails(2, "unrecognized subcommand");
}
