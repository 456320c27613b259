//! The forms' field names and parsing rules.

use super::*;
use crate::http::pages::csrf::FIELD_NAME;

async fn form<T: serde::de::DeserializeOwned + Send>(body: &str) -> Option<T> {
    use axum::extract::FromRequest as _;
    let req = axum::http::Request::post("/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.to_owned()))
        .expect("request");
    Form::<T>::from_request(req, &())
        .await
        .ok()
        .map(|Form(f)| f)
}

#[tokio::test]
async fn forms_use_the_pages_field_names() {
    assert_eq!(FIELD_NAME, "csrf_token");
    let f: IdentifyForm = form("identity=alice&password=pw&method=sms&csrf_token=t")
        .await
        .expect("identify form");
    assert_eq!((f.identity.as_str(), f.csrf_token.as_str()), ("alice", "t"));
    let f: ResendForm = form("terminal=7&csrf_token=t").await.expect("resend form");
    assert_eq!(terminal_id(f.terminal).expect("id"), Some(7));
}

#[tokio::test]
async fn unknown_fields_are_refused_and_missing_csrf_is_empty() {
    assert!(
        form::<CodeForm>("code=1&csrf_token=t&admin=1")
            .await
            .is_none()
    );
    let no_password = form::<IdentifyForm>("identity=a&csrf_token=t").await;
    assert!(no_password.is_none(), "password is required");
    let f: CodeForm = form("code=123456").await.expect("code form");
    assert!(f.csrf_token.is_empty());
}

#[test]
fn terminal_ids_are_numbers_or_nothing() {
    assert_eq!(terminal_id(None).expect("none"), None);
    assert_eq!(terminal_id(Some(" ".into())).expect("blank"), None);
    assert_eq!(terminal_id(Some("12".into())).expect("id"), Some(12));
    assert!(terminal_id(Some("1; drop".into())).is_err());
}
