//! One terminal as a device: [`device`] renders an `<article>` with the
//! label, MSISDN and IMSI, the casing of its kind around the [`screen`],
//! the last messages it sent with their outcome, the power / coverage /
//! clear-inbox controls and the reply box.
//!
//! The parts marked `data-live` (ident, screen, sent, controls) are what
//! the script swaps in when it re-fetches the device after an event; the
//! reply box and the notice line are left alone, so typing is never lost.

use std::fmt::Write;

use super::forms;
use super::render::{Esc, clock};
use super::screen::screen;
use crate::terminal::outbox::SendState;
use crate::terminal::{InboxMessage, SentMessage, TerminalInfo};

/// Sent messages listed under a device.
const SENT_SHOWN: usize = 3;

/// What a device shows.
pub struct Snapshot {
    pub info: TerminalInfo,
    pub inbox: Vec<InboxMessage>,
    pub sent: Vec<SentMessage>,
}

/// The device's `<article>`; its forms come back to `back` without JavaScript.
pub fn device(d: &Snapshot, back: &str) -> String {
    let t = &d.info;
    let m = Esc(&t.msisdn).to_string();
    let mut class = format!("device kind-{} reg-{}", t.kind, t.registration);
    for (on, name) in [
        (t.power, " on"),
        (!t.power, " off"),
        (!t.coverage, " no-coverage"),
        (t.memory_full, " memory-full"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    let mut html = format!(
        "<article class=\"{class}\" id=\"t-{m}\" data-msisdn=\"{m}\" aria-labelledby=\"t-{m}-label\">"
    );
    ident(&mut html, t);
    let _ = write!(
        html,
        "<div class=\"casing\"><span class=\"speaker\" aria-hidden=\"true\"></span>{}\
         <span class=\"keys\" aria-hidden=\"true\"></span></div>",
        screen(t, &d.inbox, back)
    );
    sent(&mut html, &d.sent);
    html.push_str("<p class=\"notice\" data-notice role=\"status\" aria-live=\"polite\"></p>");
    controls(&mut html, t, back);
    reply(&mut html, t, &d.inbox, back);
    html.push_str("</article>");
    html
}

fn ident(html: &mut String, t: &TerminalInfo) {
    let m = Esc(&t.msisdn);
    let _ = write!(
        html,
        "<header class=\"ident\" data-live=\"ident\"><h2 id=\"t-{m}-label\">{label}</h2>\
         <p class=\"numbers\"><span class=\"msisdn\" title=\"MSISDN\">+{m}</span> \
         <span class=\"imsi\" title=\"IMSI\">IMSI {imsi}</span> \
         <span class=\"kind\">{kind}</span></p>",
        label = Esc(&t.label),
        imsi = Esc(&t.imsi),
        kind = Esc(t.kind),
    );
    if let Some(at) = &t.sim_swapped_at {
        let _ = write!(html, "<p class=\"swapped\">SIM swapped {}</p>", clock(at));
    }
    html.push_str("</header>");
}

fn sent(html: &mut String, sent: &[SentMessage]) {
    if sent.is_empty() {
        html.push_str("<section class=\"sent\" data-live=\"sent\" hidden></section>");
        return;
    }
    html.push_str("<section class=\"sent\" data-live=\"sent\" aria-label=\"Sent messages\"><ol>");
    for s in sent.iter().rev().take(SENT_SHOWN) {
        let (state, word) = match s.state {
            SendState::Sending => ("sending", "sending…".to_owned()),
            SendState::Accepted => ("accepted", "accepted".to_owned()),
            SendState::Failed => (
                "failed",
                format!("failed: {}", s.failure.as_deref().unwrap_or("unknown")),
            ),
        };
        let report = match &s.report {
            Some(r) => format!(
                " <span class=\"report {}\">{}</span>",
                if r.delivered { "delivered" } else { "pending" },
                Esc(r.status_text)
            ),
            None => String::new(),
        };
        let _ = write!(
            html,
            "<li data-reference=\"{reference}\">{time} <span class=\"to\">to {to}</span> \
             <q>{text}</q> <span class=\"state {state}\">{word}</span>{report}</li>",
            reference = s.reference,
            time = clock(&s.submitted_at),
            to = Esc(&s.to),
            text = Esc(&super::push::mask_pin(&s.text)),
            word = Esc(&word),
        );
    }
    html.push_str("</ol></section>");
}

fn controls(html: &mut String, t: &TerminalInfo, back: &str) {
    let m = &t.msisdn;
    let api = format!("/api/terminals/{m}");
    html.push_str("<div class=\"controls\" data-live=\"controls\">");
    for (action, field, label, now) in [
        ("power", "on", "Power", t.power),
        ("coverage", "in", "Coverage", t.coverage),
    ] {
        let _ = write!(
            html,
            "{form}<input type=\"hidden\" name=\"{field}\" value=\"{next}\">\
             <button type=\"submit\" id=\"t-{m}-{action}\" aria-pressed=\"{now}\">{label} \
             <span class=\"state\" aria-hidden=\"true\">{word}</span></button></form>",
            form = forms::open(
                m,
                action,
                &format!("{api}/{action}"),
                "POST",
                back,
                "toggle"
            ),
            next = !now,
            word = if now { "on" } else { "off" },
        );
    }
    let _ = write!(
        html,
        "{form}<button type=\"submit\" id=\"t-{m}-clear\">Clear inbox</button></form></div>",
        form = forms::open(m, "clear", &format!("{api}/inbox"), "DELETE", back, "clear"),
    );
}

fn reply(html: &mut String, t: &TerminalInfo, inbox: &[InboxMessage], back: &str) {
    let m = &t.msisdn;
    // Replying to the last sender is the usual demo step; names cannot be answered.
    let to = inbox
        .iter()
        .rev()
        .map(|msg| msg.from.as_str())
        .find(|f| {
            let digits = f.strip_prefix('+').unwrap_or(f);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .unwrap_or("");
    let _ = write!(
        html,
        "{form}<label for=\"t-{m}-to\">To</label>\
         <input id=\"t-{m}-to\" name=\"to\" value=\"{to}\" required inputmode=\"tel\" \
         autocomplete=\"off\" placeholder=\"number, e.g. 12345\">\
         <label for=\"t-{m}-text\">Message</label>\
         <textarea id=\"t-{m}-text\" name=\"text\" rows=\"2\" required></textarea>\
         <label class=\"check\"><input type=\"checkbox\" name=\"status_report\" value=\"true\"> \
         Ask for a status report</label><button type=\"submit\">Send</button></form>",
        form = forms::open(
            m,
            "send",
            &format!("/api/terminals/{m}/send"),
            "POST",
            back,
            "reply"
        ),
        to = Esc(to),
    );
}
