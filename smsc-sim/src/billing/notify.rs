//! The confirmation SMS the operator sends its subscriber after approving
//! a charge. It is an operator-originated MT message: stored and handed to
//! the switch like an ESME's submission (so it reaches the handset over the
//! air link and shows in the message search), from the alphanumeric
//! `billing.sender`, under the pseudo-account `billing` (no receipt is
//! asked for, so no account outbox is involved).

use wire::smpp::esm;
use wire::text;

use super::Charge;
use crate::accounts::IdFormat;
use crate::core::{Core, Stats};
use crate::message::{Address, Message, MessageState, Origin};

/// The pseudo-account the confirmation SMS is filed under.
pub const ACCOUNT: &str = "billing";

/// `12.50 GBP` from minor units (exponent 0 or 3 for the few currencies
/// that have them, 2 otherwise).
pub fn amount_text(amount: i64, currency: &str) -> String {
    let exponent = match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" => 0,
        "BHD" | "JOD" | "KWD" | "OMR" => 3,
        _ => 2,
    };
    if exponent == 0 {
        return format!("{amount} {currency}");
    }
    let unit = 10i64.pow(exponent);
    format!(
        "{}.{:0width$} {currency}",
        amount / unit,
        amount % unit,
        width = exponent as usize
    )
}

/// The confirmation text, cut to one GSM-7 message.
pub fn confirmation_text(operator: &str, c: &Charge) -> String {
    // Plain ASCII keeps the text in one GSM-7 message whatever the name.
    let merchant: String = c
        .merchant
        .chars()
        .take(40)
        .map(|ch| {
            if ch.is_ascii_graphic() || ch == ' ' {
                ch
            } else {
                '?'
            }
        })
        .collect();
    let text = format!(
        "{operator}: {} from {merchant} will be added to your bill. Charge {}. Not you? Call customer care.",
        amount_text(c.amount, &c.currency),
        &c.id[..c.id.len().min(11)],
    );
    text.chars().take(160).collect()
}

/// Stores and routes the SMS to `msisdn`; returns its message id.
pub async fn send(core: &Core, sender: &str, msisdn: &str, body: &str) -> anyhow::Result<String> {
    let encoding = text::smallest_encoding(body);
    let payload = text::encode(body, encoding)?;
    let now = core.clock.now_ms();
    let mut m = Message {
        id: String::new(),
        account: ACCOUNT.into(),
        service_type: String::new(),
        source: Address {
            ton: 5,
            npi: 0,
            addr: sender.to_owned(),
        },
        dest: Address {
            ton: 1,
            npi: 1,
            addr: msisdn.trim_start_matches('+').to_owned(),
        },
        esm_class: esm::DEFAULT,
        protocol_id: 0,
        priority: 0,
        registered_delivery: 0,
        data_coding: encoding.data_coding(),
        payload,
        sar: None,
        submitted_at: now,
        deliver_at: None,
        expires_at: now + core.settings.default_validity.as_millis() as i64,
        state: MessageState::Enroute,
        done_at: None,
        error_code: 0,
        attempts: 0,
        origin: Origin::Esme,
        set_dpf: false,
    };
    m.id = core.ids.next(&core.store, IdFormat::Decimal).await?;
    core.store.insert(vec![m.clone()]).await?;
    let id = m.id.clone();
    Stats::inc(&core.stats.submitted);
    core.switch.submit(m).await;
    Ok(id)
}
