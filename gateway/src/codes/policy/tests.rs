use super::*;

#[test]
fn default_matches_the_issue() {
    let p = CodePolicy::default();
    assert_eq!(p.digits(), 6);
    assert_eq!(p.ttl(), Duration::from_secs(300));
    assert_eq!(p.max_attempts(), 3);
    assert_eq!(p.max_resends(), 3);
    let secs: Vec<u64> = p.resend_cooldowns().iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [30, 60, 120]);
    assert_eq!((p.per_number_10min(), p.per_number_hour()), (5, 10));
}

#[test]
fn ranges_are_enforced_at_both_ends() {
    let ok = CodePolicySettings::default;
    let cases: Vec<(CodePolicySettings, &str)> = vec![
        (CodePolicySettings { digits: 3, ..ok() }, "digits"),
        (CodePolicySettings { digits: 11, ..ok() }, "digits"),
        (CodePolicySettings { ttl_s: 59, ..ok() }, "ttl_s"),
        (CodePolicySettings { ttl_s: 601, ..ok() }, "ttl_s"),
        (
            CodePolicySettings {
                max_attempts: 0,
                ..ok()
            },
            "max_attempts",
        ),
        (
            CodePolicySettings {
                resend_cooldowns_s: vec![],
                ..ok()
            },
            "resend_cooldowns_s",
        ),
        (
            CodePolicySettings {
                resend_cooldowns_s: vec![30, 0],
                ..ok()
            },
            "resend_cooldowns_s",
        ),
        (
            CodePolicySettings {
                per_number_10min: 0,
                ..ok()
            },
            "per_number_10min",
        ),
        (
            CodePolicySettings {
                per_ip_checks_per_min: 0,
                ..ok()
            },
            "per_ip_checks_per_min",
        ),
        (
            CodePolicySettings {
                prefix_digits: 3,
                ..ok()
            },
            "prefix_digits",
        ),
        (
            CodePolicySettings {
                prefix_digits: 16,
                ..ok()
            },
            "prefix_digits",
        ),
        (
            CodePolicySettings {
                per_prefix_10min: 0,
                ..ok()
            },
            "per_prefix_10min",
        ),
    ];
    for (settings, field) in cases {
        let err = CodePolicy::try_from(settings).expect_err(field);
        assert_eq!(err.field, field);
        assert!(err.to_string().contains(field), "{err}");
    }
    for (digits, ttl_s) in [(4, 60), (10, 600)] {
        let p = CodePolicy::try_from(CodePolicySettings {
            digits,
            ttl_s,
            ..ok()
        })
        .unwrap();
        assert_eq!((p.digits(), p.ttl().as_secs()), (digits, ttl_s));
    }
    let none = CodePolicySettings {
        max_resends: 0,
        resend_cooldowns_s: vec![],
        ..ok()
    };
    assert!(
        CodePolicy::try_from(none).is_ok(),
        "no cooldowns are needed without resends"
    );
}

#[test]
fn deserializes_through_validation() {
    let p: CodePolicy = toml::from_str("digits = 8\nttl_s = 120").unwrap();
    assert_eq!(
        (p.digits(), p.ttl().as_secs(), p.max_attempts()),
        (8, 120, 3)
    );
    let err = toml::from_str::<CodePolicy>("digits = 12").unwrap_err();
    assert!(err.to_string().contains("codes.digits = 12"), "{err}");
    assert!(
        toml::from_str::<CodePolicy>("digit = 6").is_err(),
        "unknown fields are refused"
    );
}
