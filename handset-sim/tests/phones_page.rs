//! The phones page over HTTP: the fixture terminals drawn as devices,
//! every outside text escaped, delivered messages on the screens, the
//! assets it links, the single-device view, and the forms that work
//! without JavaScript.

mod common;

use common::*;
use handset_sim::Config;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_TYPE, HeaderMap, HeaderName, IF_NONE_MATCH, LOCATION,
};
use serde_json::json;
use wire::air::AirFrame;
use wire::tpdu::{MessageClass, TpAddress};

/// The fixture terminals in config order: (MSISDN, label as escaped HTML).
const FIXTURE: [(&str, &str); 5] = [
    ("447700900101", "Alice&#39;s phone"),
    ("447700900102", "Bob&#39;s phone"),
    ("447700900103", "Bob&#39;s pager"),
    ("447700900104", "Carol&#39;s set-top card"),
    ("8613800138000", "李伟的手机"),
];

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: HeaderName) -> &str {
        let value = self.headers.get(name).map(|v| v.to_str());
        value.and_then(Result::ok).unwrap_or_default()
    }
}

async fn fetch(req: reqwest::RequestBuilder) -> Answer {
    let r = within("an HTTP answer", req.send()).await.expect("HTTP");
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let body = within("the body", r.text()).await.expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

const HTML: &str = "text/html; charset=utf-8";

/// Asserts that `html` contains every one of `needles`.
fn contains_all(html: &str, needles: &[&str]) {
    for needle in needles {
        assert!(html.contains(needle), "{needle:?} missing from {html}");
    }
}

async fn get(sim: &Sim, path: &str) -> Answer {
    fetch(sim.http.get(format!("{}{path}", sim.base))).await
}

/// The value of the first `attr="..."` starting with `prefix`.
fn attribute<'a>(html: &'a str, attr: &str, prefix: &str) -> &'a str {
    let needle = format!("{attr}=\"{prefix}");
    let start = html.find(&needle).expect("the attribute") + attr.len() + 2;
    let len = html[start..].find('"').expect("closing quote");
    &html[start..start + len]
}

#[tokio::test]
async fn the_page_draws_the_fixture_terminals_and_links_its_assets() {
    let switch = FakeSwitch::bind().await;
    let mut config =
        Config::from_toml_str(include_str!("../../fixtures/handset-sim.toml")).expect("fixture");
    config.cell.id = "test-cell".into();
    config.cell.air = switch.addr().to_string();
    config.http.listen = "127.0.0.1:0".parse().expect("address");
    let mut sim = Sim::start(config).await;
    let mut conn = switch.accept(0).await;
    conn.attach(&FIXTURE.map(|(m, _)| m)).await;
    sim.registration("8613800138000", "attached").await;

    for path in ["/", "/phones"] {
        let page = get(&sim, path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.header(CONTENT_TYPE), HTML);
        assert_eq!(page.header(CACHE_CONTROL), "no-store");
        for (msisdn, label) in FIXTURE {
            let (id, number) = (format!("id=\"t-{msisdn}\""), format!("+{msisdn}"));
            contains_all(&page.body, &[&id, &number, label]);
        }
        contains_all(
            &page.body,
            &[
                "device kind-phone reg-attached on",
                "device kind-pager reg-attached on",
                "device kind-stb-card reg-attached on",
                "IMSI 460001234567890",
                "class=\"link up\"",
            ],
        );
    }

    let page = get(&sim, "/phones").await.body;
    for (attr, path, content_type, needle) in [
        (
            "href",
            "/assets/phones.css",
            "text/css; charset=utf-8",
            ".kind-stb-card",
        ),
        (
            "src",
            "/assets/phones.js",
            "text/javascript; charset=utf-8",
            "EventSource",
        ),
    ] {
        let url = attribute(&page, attr, path);
        let asset = get(&sim, url).await;
        assert_eq!(
            (asset.status, asset.header(CONTENT_TYPE)),
            (200, content_type)
        );
        assert!(asset.header(CACHE_CONTROL).contains("immutable"), "{url}");
        assert!(asset.body.contains(needle), "{url}");
        let plain = get(&sim, path).await;
        assert_eq!(
            (plain.status, plain.header(CACHE_CONTROL)),
            (200, "no-cache")
        );
        let etag = format!("\"{}\"", &url[url.len() - 16..]);
        let again = sim.http.get(format!("{}{path}", sim.base));
        assert_eq!(fetch(again.header(IF_NONE_MATCH, etag)).await.status, 304);
    }
    sim.stop().await;
}

#[tokio::test]
async fn outside_text_is_escaped_and_messages_are_on_the_screens() {
    let (sim, _switch, mut conn) = connected().await;
    let nasty = json!({"msisdn": "447700900150", "imsi": "234150000000150", "kind": "pda",
        "label": "<script>alert(\"x\")</script> Dave's PDA"});
    assert_eq!(sim.post("/api/terminals", nasty).await.0, 201);
    conn.attach(&["447700900150"]).await;
    let text = "Your code is 7788 <script>steal()</script>";
    let ack = conn.deliver(1, ALICE, sms(text)).await;
    assert_eq!(ack, AirFrame::DeliverAck { reference: 1 });
    let from = TpAddress::international("447700900555");
    let flash = deliver_tpdus("Approve? code 4242", from, 2, Some(MessageClass::Class0));
    let ack = conn.deliver(2, BOB, flash[0].clone()).await;
    assert_eq!(ack, AirFrame::DeliverAck { reference: 2 });

    let page = get(&sim, "/phones").await.body;
    assert!(!page.contains("<script>alert") && !page.contains("<script>steal"));
    contains_all(
        &page,
        &[
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Dave&#39;s PDA",
            "device kind-pda",
            "<span class=\"from\">ShopPay</span>",
            "<mark class=\"code\" title=\"authorization code\">7788</mark> &lt;script&gt;steal()",
            "class=\"flash-popup\"",
            "data-api=\"/api/terminals/447700900102/inbox/1/read\"",
            // Bob's reply box answers the last sender.
            "value=\"+447700900555\"",
        ],
    );

    let one = get(&sim, &format!("/phones/+{ALICE}")).await;
    assert_eq!(one.status, 200);
    contains_all(&one.body, &[&format!("data-msisdn=\"{ALICE}\""), "7788"]);
    assert!(
        !one.body.contains(&format!("id=\"t-{BOB}\"")),
        "only Alice's"
    );
    let fragment = get(&sim, &format!("/phones/{ALICE}/device")).await.body;
    assert!(fragment.starts_with("<article class=\"device kind-phone"));
    contains_all(
        &fragment,
        &[&format!("data-api=\"/api/terminals/{ALICE}/send\"")],
    );
    let missing = get(&sim, "/phones/447700900999").await;
    assert_eq!((missing.status, missing.header(CONTENT_TYPE)), (404, HTML));
    contains_all(&missing.body, &["no terminal 447700900999"]);
    sim.stop().await;
}

#[tokio::test]
async fn the_forms_work_without_javascript() {
    let (sim, _switch, mut conn) = connected().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let post = |path: String, form: &[(&str, &str)]| {
        fetch(no_redirects.post(format!("{}{path}", sim.base)).form(form))
    };
    let back = format!("/phones/{PAGER}");
    let on = post(
        format!("/phones/{PAGER}/power"),
        &[("on", "true"), ("back", &back)],
    )
    .await;
    assert_eq!((on.status, on.header(LOCATION)), (303, back.as_str()));
    match conn.recv().await {
        AirFrame::Attach { msisdn, .. } => assert_eq!(msisdn.as_str(), PAGER),
        other => panic!("expected the pager to attach, got {other:?}"),
    }
    let form = [
        ("to", "12345"),
        ("text", "STOP"),
        ("back", "https://evil.example/"),
    ];
    let sent = post(format!("/phones/{ALICE}/send"), &form).await;
    assert_eq!((sent.status, sent.header(LOCATION)), (303, "/phones"));
    match conn.recv().await {
        AirFrame::Submit { msisdn, .. } => assert_eq!(msisdn.as_str(), ALICE),
        other => panic!("expected Alice's SMS-SUBMIT, got {other:?}"),
    }
    let bad = post(format!("/phones/{ALICE}/coverage"), &[("in", "maybe")]).await;
    assert_eq!((bad.status, bad.header(CONTENT_TYPE)), (400, HTML));
    contains_all(&bad.body, &["field in must be true or false"]);
    let (_, alice) = sim.get(&format!("/api/terminals/{ALICE}")).await;
    assert_eq!(alice["coverage"], true, "a refused form changes nothing");

    // CSRF: a form another site's page posts (the browser says so with
    // Origin or Sec-Fetch-Site) is refused and the phone does nothing.
    let cross = [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ];
    for (name, value) in cross {
        let forged = fetch(
            no_redirects
                .post(format!("{}/phones/{ALICE}/send", sim.base))
                .header(name, value)
                .form(&[("to", "12345"), ("text", "STOP")]),
        )
        .await;
        assert_eq!(forged.status, 403, "{name}: {value}");
        let off = fetch(
            no_redirects
                .post(format!("{}/phones/{ALICE}/power", sim.base))
                .header(name, value)
                .form(&[("on", "false")]),
        )
        .await;
        assert_eq!(off.status, 403, "{name}: {value}");
    }
    let (_, alice) = sim.get(&format!("/api/terminals/{ALICE}")).await;
    assert_eq!(alice["power"], true, "the forged power-off changed nothing");
    let (_, sent) = sim.get(&format!("/api/terminals/{ALICE}/sent")).await;
    assert_eq!(
        sent.as_array().map(Vec::len),
        Some(1),
        "only the real SMS was sent: {sent}"
    );
    sim.stop().await;
}
