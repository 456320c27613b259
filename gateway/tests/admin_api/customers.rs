//! Customers through the admin API: registration (backup code shown once,
//! document masked, duplicates and bad fields refused), then login through
//! the checkout, lockout by wrong passwords and the audited admin unlock.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{ADMIN_TOKEN, Harness};

#[tokio::test]
async fn registered_customers_can_log_in_and_are_unlocked_by_an_admin() {
    let h = Harness::start("ACME", Some(ADMIN_TOKEN)).await;
    let dora = json!({
        "name": "Dora", "id_document": "X9876543", "identities": ["+447700900404", "dora"],
        "password": "dora-pass-1", "terminals": [{"msisdn": "+447700900404", "label": "mobile"}],
        "accounts": ["GB00ALICE"], "limits": {"per_day": "GBP 500.00"}, "locale": "en"
    });
    let (status, created) = h
        .admin(Method::POST, "/admin/api/customers", Some(dora.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let backup = created["backup_code"].as_str().unwrap();
    assert_eq!(backup.len(), 14, "ABCD-EFGH-JKLM");
    assert_eq!(created["id_document"], "****6543");
    assert!(
        !created.to_string().contains("X9876543") && !created.to_string().contains("dora-pass-1")
    );
    let cid = created["id"].as_i64().unwrap();

    let (status, _) = h
        .admin(Method::POST, "/admin/api/customers", Some(dora))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "identities are unique");
    let bad = json!({"name": "E", "id_document": "1", "identities": ["eve1"], "password": "x"});
    let (status, err) = h
        .admin(Method::POST, "/admin/api/customers", Some(bad))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"].as_str().unwrap().contains("password"));

    assert_eq!(h.identify("dora", "dora-pass-1").await, StatusCode::OK);
    for _ in 0..3 {
        assert_eq!(
            h.identify("dora", "wrong-password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        h.identify("dora", "dora-pass-1").await,
        StatusCode::UNAUTHORIZED,
        "locked"
    );
    let (_, locked) = h
        .admin(Method::GET, &format!("/admin/api/customers/{cid}"), None)
        .await;
    assert_eq!(
        (
            locked["status"].as_str(),
            locked["password_failures"].as_u64()
        ),
        (Some("locked"), Some(3))
    );

    let (status, unlocked) = h
        .admin(
            Method::POST,
            &format!("/admin/api/customers/{cid}/unlock"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            unlocked["status"].as_str(),
            unlocked["password_failures"].as_u64()
        ),
        (Some("active"), Some(0))
    );
    assert_eq!(h.identify("dora", "dora-pass-1").await, StatusCode::OK);

    let (_, all) = h.admin(Method::GET, "/admin/api/customers", None).await;
    let names: Vec<&str> = all["customers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["Alice", "Dora"]);
    let (_, audit) = h
        .admin(Method::GET, "/admin/api/audit?limit=10", None)
        .await;
    let actions: Vec<&str> = audit["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(actions, ["customers unlock", "customers add"]);
    let (status, _) = h
        .admin(Method::POST, "/admin/api/customers/999/unlock", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
