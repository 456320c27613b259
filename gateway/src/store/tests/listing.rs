//! Listing with filters and pages, the expiry sweep, daily spending.

use super::*;
use crate::domain::PaymentState::Succeeded;

#[tokio::test]
async fn listing_filters_pages_and_sweeps() {
    let (store, c, m) = seeded().await;
    let other = store
        .create_merchant(new_merchant("mer_b"), T0)
        .await
        .expect("m2")
        .id;
    let mut ids = Vec::new();
    for i in 0..5 {
        let merchant = if i % 2 == 0 { &m } else { &other };
        let mut p = new_payment(merchant, 100 + i);
        p.expires_at = T0 + 1000 * (5 - i);
        ids.push(create(&store, p, T0 + i).await.id);
    }
    let list = |f: PaymentFilter| {
        let store = store.clone();
        async move {
            let ps = store.list_payments(f).await.expect("list");
            ps.into_iter().map(|p| p.id).collect::<Vec<_>>()
        }
    };
    let all = list(PaymentFilter::default()).await;
    assert_eq!(
        all,
        ids.iter().rev().cloned().collect::<Vec<_>>(),
        "newest first"
    );
    let mine = list(PaymentFilter {
        merchant_id: Some(m.clone()),
        ..Default::default()
    })
    .await;
    assert_eq!(mine, [ids[4].clone(), ids[2].clone(), ids[0].clone()]);
    let page = list(PaymentFilter {
        limit: 2,
        offset: 1,
        ..Default::default()
    })
    .await;
    assert_eq!(page, [ids[3].clone(), ids[2].clone()]);
    let window = PaymentFilter {
        created_from: Some(T0 + 1),
        created_to: Some(T0 + 3),
        ..Default::default()
    };
    assert_eq!(list(window).await, [ids[2].clone(), ids[1].clone()]);
    let order = PaymentFilter {
        order_id: Some("order-103".into()),
        ..Default::default()
    };
    assert_eq!(list(order).await, [ids[3].clone()]);

    let done = PaymentUpdate {
        customer_id: Some(c),
        ..PaymentUpdate::to(Succeeded)
    };
    store
        .update_payment(&ids[0], done.clone(), T0 + 10)
        .await
        .expect("pay 100");
    store
        .update_payment(&ids[1], done, T0 + 20)
        .await
        .expect("pay 101");
    let succeeded = PaymentFilter {
        state: Some(Succeeded),
        customer_id: Some(c),
        ..Default::default()
    };
    assert_eq!(list(succeeded).await.len(), 2);
    let gbp_ccy = gbp(0).currency;
    assert_eq!(
        store
            .customer_spent_since(c, gbp_ccy, T0)
            .await
            .expect("sum"),
        201
    );
    assert_eq!(
        store
            .customer_spent_since(c, gbp_ccy, T0 + 15)
            .await
            .expect("sum"),
        101
    );

    // Not final and expired at T0+3000: ids[2] (T0+3000) and ids[3], ids[4].
    let due = store.payments_to_expire(T0 + 3000, 10).await.expect("due");
    let due: Vec<_> = due.into_iter().map(|p| p.id).collect();
    assert_eq!(
        due,
        [ids[4].clone(), ids[3].clone(), ids[2].clone()],
        "earliest expiry first"
    );
    assert_eq!(
        store
            .payments_to_expire(T0 + 3000, 1)
            .await
            .expect("due")
            .len(),
        1
    );
}
