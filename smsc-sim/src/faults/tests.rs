use std::time::Duration;

use wire::smpp::rusmpp::CommandStatus;

use super::*;
use crate::config::SystemId;
use crate::message::MessageState;

fn rule(action: FaultAction, dest: Option<&str>, account: Option<&str>, p: f64) -> FaultRule {
    FaultRule {
        destination: dest.map(|d| Pattern::parse(d).expect("test pattern")),
        account: account.map(|a| SystemId::new(a).expect("test system_id")),
        probability: Probability::new(p).expect("test probability"),
        ..FaultRule::new(action)
    }
}

const REJECT: FaultAction = FaultAction::Reject(CommandStatus::EsmeRsubmitfail);

#[test]
fn no_rules_no_faults() {
    let engine = FaultEngine::new(7);
    assert!(engine.is_empty());
    assert_eq!(
        engine.on_submit("gw", "447700900123"),
        SubmitFault::default()
    );
    assert_eq!(
        engine.on_receipt("gw", "447700900123"),
        ReceiptFault::default()
    );
}

#[test]
fn rules_select_by_destination_and_account() {
    let engine = FaultEngine::new(0);
    engine.add(rule(REJECT, Some("4477009*"), Some("gateway"), 1.0));
    let rejected = SubmitOutcome::Reject(CommandStatus::EsmeRsubmitfail);
    assert_eq!(
        engine.on_submit("gateway", "447700900123").outcome,
        rejected
    );
    assert_eq!(
        engine.on_submit("gateway", "+447700900123").outcome,
        rejected
    );
    assert_eq!(
        engine.on_submit("tester", "447700900123").outcome,
        SubmitOutcome::Proceed
    );
    assert_eq!(
        engine.on_submit("gateway", "447700800123").outcome,
        SubmitOutcome::Proceed
    );
    // A submit rule never shows up on the receipt side.
    assert_eq!(
        engine.on_receipt("gateway", "447700900123"),
        ReceiptFault::default()
    );
}

#[test]
fn first_rule_of_each_kind_wins_and_kinds_combine() {
    let engine = FaultEngine::new(0);
    engine.add(rule(
        FaultAction::DelayResponse(Duration::from_millis(250)),
        None,
        None,
        1.0,
    ));
    engine.add(rule(FaultAction::Throttle, Some("44*"), None, 1.0));
    engine.add(rule(REJECT, None, None, 1.0));
    engine.add(rule(
        FaultAction::DelayResponse(Duration::from_secs(9)),
        None,
        None,
        1.0,
    ));
    engine.add(rule(FaultAction::ReceiptDrop, None, None, 1.0));
    let state = FaultAction::Receipt {
        state: MessageState::Undeliverable,
        error: 11,
    };
    engine.add(rule(state, Some("33*"), None, 1.0));
    engine.add(rule(
        FaultAction::ReceiptDelay(Duration::from_secs(2)),
        None,
        None,
        1.0,
    ));

    let submit = engine.on_submit("gw", "4477");
    assert_eq!(submit.delay, Some(Duration::from_millis(250)));
    assert_eq!(submit.outcome, SubmitOutcome::Throttle);
    assert_eq!(
        engine.on_submit("gw", "3361").outcome,
        SubmitOutcome::Reject(CommandStatus::EsmeRsubmitfail)
    );

    let receipt = engine.on_receipt("gw", "3361");
    assert_eq!(
        receipt.override_state,
        Some((MessageState::Undeliverable, 11))
    );
    assert_eq!(receipt.delay, Some(Duration::from_secs(2)));
    assert!(receipt.drop);
    assert_eq!(engine.on_receipt("gw", "4477").override_state, None);
}

#[test]
fn probability_zero_never_fires_and_one_always_does() {
    let engine = FaultEngine::new(3);
    engine.add(rule(FaultAction::Disconnect, None, None, 0.0));
    engine.add(rule(FaultAction::ReceiptDrop, None, None, 1.0));
    for i in 0..2000 {
        let dest = format!("4477{i}");
        assert_eq!(
            engine.on_submit("gw", &dest).outcome,
            SubmitOutcome::Proceed
        );
        assert!(engine.on_receipt("gw", &dest).drop);
    }
}

/// Decisions of `n` submits against a 30 % reject rule and a 50 % delay rule.
fn decisions(engine: &FaultEngine, n: usize) -> Vec<SubmitFault> {
    (0..n)
        .map(|i| engine.on_submit("gw", &format!("44{i}")))
        .collect()
}

fn random_engine(seed: u64) -> FaultEngine {
    let engine = FaultEngine::new(seed);
    engine.add(rule(REJECT, None, None, 0.3));
    engine.add(rule(
        FaultAction::DelayResponse(Duration::from_millis(5)),
        None,
        None,
        0.5,
    ));
    engine
}

#[test]
fn same_seed_same_decisions() {
    let a = decisions(&random_engine(42), 1000);
    let b = decisions(&random_engine(42), 1000);
    assert_eq!(a, b);
    let c = decisions(&random_engine(43), 1000);
    assert_ne!(a, c, "another seed should give another sequence");

    // Roughly the configured rates (bounds are > 6 sigma wide).
    let rejects = a
        .iter()
        .filter(|f| f.outcome != SubmitOutcome::Proceed)
        .count();
    let delays = a.iter().filter(|f| f.delay.is_some()).count();
    assert!(
        (200..=400).contains(&rejects),
        "{rejects} rejects of 1000 at p=0.3"
    );
    assert!(
        (400..=600).contains(&delays),
        "{delays} delays of 1000 at p=0.5"
    );

    // reseed replays the sequence from the start.
    let engine = random_engine(42);
    decisions(&engine, 10);
    engine.reseed(42);
    assert_eq!(decisions(&engine, 1000), a);
}

#[test]
fn certain_rules_do_not_shift_the_random_stream() {
    let plain = decisions(&random_engine(9), 500);
    let engine = random_engine(9);
    engine.add(rule(FaultAction::ReceiptDrop, None, None, 1.0));
    engine.add(rule(FaultAction::Throttle, Some("99*"), None, 0.0));
    assert_eq!(decisions(&engine, 500), plain);
}

#[test]
fn rules_change_at_run_time() {
    let engine = FaultEngine::new(0);
    let first = engine.add(rule(FaultAction::Throttle, None, None, 1.0));
    let second = engine.add(rule(FaultAction::Disconnect, Some("33*"), None, 1.0));
    assert_ne!(first, second);
    assert_eq!(
        engine.list().iter().map(|r| r.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert_eq!(
        engine.on_submit("gw", "3361").outcome,
        SubmitOutcome::Throttle
    );

    assert!(engine.remove(first));
    assert!(!engine.remove(first), "already removed");
    assert_eq!(
        engine.on_submit("gw", "3361").outcome,
        SubmitOutcome::Disconnect
    );
    assert_eq!(
        engine.on_submit("gw", "4477").outcome,
        SubmitOutcome::Proceed
    );

    assert!(engine.remove(second));
    assert!(engine.is_empty());
    assert_eq!(engine.on_submit("gw", "3361"), SubmitFault::default());

    let ids = engine.replace_all(vec![
        rule(REJECT, None, None, 1.0),
        rule(FaultAction::ReceiptDrop, None, None, 1.0),
    ]);
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter().all(|id| *id > second),
        "ids are never reused: {ids:?}"
    );
    assert!(!engine.is_empty());
    assert_eq!(engine.list().len(), 2);
    assert!(engine.replace_all(Vec::new()).is_empty());
    assert!(engine.is_empty());
}

#[test]
fn rules_round_trip_through_json() {
    let json = r#"[
        {"destination":"4477009*","account":"gateway","probability":0.25,"action":{"reject":"0x45"}},
        {"action":{"reject":1024}},
        {"action":{"delay_response_ms":500}},
        {"action":{"throttle":true}},
        {"action":{"disconnect":true}},
        {"action":{"receipt":{"state":"UNDELIVERABLE","error":11}}},
        {"action":{"receipt_delay_ms":5000}},
        {"id":99,"action":{"receipt_drop":true}}
    ]"#;
    let rules: Vec<FaultRule> = serde_json::from_str(json).expect("valid rules");
    assert_eq!(rules[0].action, REJECT);
    assert_eq!(
        rules[1].action,
        FaultAction::Reject(CommandStatus::Other(1024))
    );
    let engine = FaultEngine::new(0);
    engine.replace_all(rules);
    let listed = engine.list();
    assert_eq!(listed[7].id, 8, "the engine assigns ids");
    let text = serde_json::to_string(&listed).expect("serializes");
    assert!(text.contains(r#""reject":"ESME_RSUBMITFAIL""#), "{text}");
    assert!(text.contains(r#""state":"UNDELIV""#), "{text}");
    let back: Vec<FaultRule> = serde_json::from_str(&text).expect("round trip");
    assert_eq!(back, listed);
}

#[test]
fn from_config_loads_seed_and_rules() {
    let config = crate::config::Config::from_toml_str(
        "[faults]\nseed = 5\n[[faults.rules]]\ndestination = \"44*\"\nprobability = 0.5\naction = { reject = 88 }\n",
    )
    .expect("valid");
    let engine = FaultEngine::from_config(&config.faults);
    let same = FaultEngine::new(5);
    same.add(rule(
        FaultAction::Reject(CommandStatus::EsmeRthrottled),
        Some("44*"),
        None,
        0.5,
    ));
    assert_eq!(decisions(&engine, 200), decisions(&same, 200));
    assert_eq!(engine.list()[0].id, 1);
}
