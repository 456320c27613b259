//! A third-party ESME (python smpplib, segmenting the text itself) submits a
//! long Chinese text to a handset of the fixture stack: the phone shows one
//! message and every part gets its DELIVRD receipt. The text is 157 UCS-2
//! characters, so smpplib cuts it into exactly three segments.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

#[tokio::test]
async fn smpplib_long_ucs2_text_lands_in_the_handset_as_one_message() {
    if std::env::var_os("SWITCHBOARD_SKIP_PY_INTEROP").is_some() {
        eprintln!("skipped: SWITCHBOARD_SKIP_PY_INTEROP is set");
        return;
    }
    let stack = stack().await;
    let text = "【示例商店】验证码 615243，支付金额 88.00 元。请勿向任何人透露此验证码，客服不会向您索取。\
                如非本人操作，请忽略本短信并立即联系银行。感谢您使用示例商店。\
                本验证码五分钟内有效，仅限本次支付使用。若您未发起此笔交易，您的账户可能存在风险，\
                请及时修改登录密码并开启短信提醒。示例商店祝您购物愉快，生活顺利！";
    // smpplib cuts UCS-2 into 134-octet parts (67 characters after its 8-bit
    // concatenation header): 135 to 201 characters make exactly 3.
    let units = text.encode_utf16().count();
    assert!((135..=200).contains(&units), "{units} UCS-2 characters");
    let script = fixtures().join("../tests/interop/smpplib_handset.py");
    let smpp = stack.smpp.to_string();
    let out = tokio::task::spawn_blocking({
        let text = text.to_owned();
        move || {
            Command::new("python3")
                .arg(script)
                .args([smpp.as_str(), "tester", "test-pw", LI_WEI, text.as_str()])
                .output()
        }
    })
    .await
    .expect("join")
    .expect("python3 runs (scripts/test.sh installs it with smpplib)");
    assert!(
        out.status.success(),
        "smpplib client failed ({}): {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON line from the script");
    let parts = report["parts"].as_u64().expect("parts");
    assert_eq!(parts, 3, "three concatenated segments: {report}");
    let ids = report["message_ids"].as_array().expect("ids");
    assert_eq!(ids.len(), 3, "one submit_sm per segment: {report}");
    for id in ids {
        assert_eq!(report["receipts"][id.as_str().expect("id")], "DELIVRD");
    }
    let phones = handsets(&stack);
    assert_eq!(
        phones
            .wait_code(LI_WEI, Duration::from_secs(10))
            .await
            .expect("code"),
        "615243"
    );
    let inbox = phones.inbox(LI_WEI).await.expect("inbox");
    // Every segment was acknowledged (all receipts are in), so a phone that
    // failed to reassemble would already show more than one entry here.
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["text"], text);
    assert_eq!(inbox[0]["from"], "PyShop", "{inbox:?}");
    assert_eq!(inbox[0]["segments"], parts);
    stack.stop().await.expect("clean stop");
}
