//! A device's screen: [`screen`] renders the status bar (signal/coverage,
//! network registration, memory, power) and the inbox, newest first, with
//! each message's sender, time and display text (the text as the kind
//! shows it), the extracted code marked, and the newest unread flash
//! (class 0) message as a pop-up over the screen. The markup is the same
//! for every kind; the stylesheet draws a phone's list, a pager's LCD
//! lines or a TV banner from it (`.kind-*` on the device).

use std::fmt::Write;

use super::forms;
use super::render::{Esc, clock};
use crate::terminal::{InboxMessage, TerminalInfo};

/// Messages drawn per screen; older ones are counted, not drawn.
pub const SHOWN: usize = 50;

/// The screen of `t` (its `data-live` part is replaced by the script).
pub fn screen(t: &TerminalInfo, inbox: &[InboxMessage], back: &str) -> String {
    let mut html = String::from("<div class=\"screen\" data-live=\"screen\">");
    html.push_str(&status_bar(t, inbox));
    if !t.power {
        html.push_str("<p class=\"off-note\">Switched off</p>");
    }
    if let Some(flash) = inbox.iter().rev().find(|m| m.flash && !m.read) {
        html.push_str(&flash_popup(&t.msisdn, flash, back));
    }
    if inbox.is_empty() {
        html.push_str("<p class=\"no-messages\">No messages</p>");
    } else {
        html.push_str("<ol class=\"inbox\" aria-label=\"Inbox, newest first\">");
        for (i, m) in inbox.iter().rev().take(SHOWN).enumerate() {
            message(&mut html, &t.msisdn, m, i == 0, back);
        }
        html.push_str("</ol>");
        if inbox.len() > SHOWN {
            let _ = write!(
                html,
                "<p class=\"older\">{} older not shown</p>",
                inbox.len() - SHOWN
            );
        }
    }
    html.push_str("</div>");
    html
}

fn status_bar(t: &TerminalInfo, inbox: &[InboxMessage]) -> String {
    let (bars, coverage) = match (t.power, t.coverage) {
        (false, _) => (0, "none, switched off"),
        (true, false) => (0, "out of coverage"),
        (true, true) => (4, "in coverage"),
    };
    let network = match (t.power, t.coverage, t.registration) {
        (false, _, _) => "Off".to_owned(),
        (true, false, _) => "No service".to_owned(),
        (true, true, "attached") => "Attached".to_owned(),
        (true, true, "attaching") => "Attaching…".to_owned(),
        (true, true, "rejected") => {
            format!("Rejected: {}", t.reject_reason.unwrap_or("refused"))
        }
        (true, true, _) => "No network".to_owned(),
    };
    let stored = inbox.iter().filter(|m| !m.flash).count();
    let memory = match t.memory_full {
        true => "<span class=\"mem-full\">Memory full</span>".to_owned(),
        false => format!(
            "<span class=\"count\" title=\"messages stored / capacity\">{stored}/{}</span>",
            t.capacity
        ),
    };
    let power = if t.power { "on" } else { "off" };
    format!(
        "<div class=\"status-bar reg-{reg}\">\
         <span class=\"signal s{bars}\" role=\"img\" aria-label=\"Signal: {coverage}\">\
         <i></i><i></i><i></i><i></i></span>\
         <span class=\"network\">{network}</span>{memory}\
         <span class=\"battery {power}\" role=\"img\" aria-label=\"Power {power}\"></span></div>",
        reg = t.registration,
        network = Esc(&network),
    )
}

fn message(html: &mut String, msisdn: &str, m: &InboxMessage, latest: bool, back: &str) {
    let mut class = String::from("msg");
    for (on, name) in [
        (!m.read, " unread"),
        (m.flash, " flash"),
        (latest, " latest"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    let unread = match m.read {
        true => "",
        false => "<span class=\"visually-hidden\">Unread. </span>",
    };
    let _ = write!(
        html,
        "<li class=\"{class}\" data-id=\"{id}\"><p class=\"meta\">{unread}\
         <span class=\"from\">{from}</span> {time}</p><p class=\"text\">{text}</p>",
        id = m.id,
        from = Esc(&m.from),
        time = clock(&m.received_at),
        text = text_with_code(&m.display, m.code.as_deref()),
    );
    let mut tags = Vec::new();
    if m.segments > 1 {
        tags.push(format!("{} parts", m.segments));
    }
    if m.flash {
        tags.push("flash".to_owned());
    }
    if m.code_taken {
        tags.push("code used".to_owned());
    }
    if !tags.is_empty() {
        let _ = write!(html, "<p class=\"tags\">{}</p>", Esc(&tags.join(" · ")));
    }
    // A payment request from a service number: answer it from here.
    if let Some(form) = super::push::answer_form(msisdn, m, back) {
        html.push_str(&form);
    }
    html.push_str("</li>");
}

fn flash_popup(msisdn: &str, m: &InboxMessage, back: &str) -> String {
    let api = format!("/api/terminals/{msisdn}/inbox/{}/read", m.id);
    format!(
        "<section class=\"flash-popup\" aria-label=\"Flash message\">\
         <p class=\"flash-from\">{from}</p><p class=\"text\">{text}</p>\
         {form}<input type=\"hidden\" class=\"form-only\" name=\"id\" value=\"{id}\">\
         <button type=\"submit\">OK</button></form></section>",
        from = Esc(&m.from),
        text = text_with_code(&m.display, m.code.as_deref()),
        form = forms::open(msisdn, "read", &api, "POST", back, "dismiss"),
        id = m.id,
    )
}

/// The text, escaped, with the code marked where it stands on its own
/// (not inside a longer number); appended when the display lost it.
fn text_with_code(display: &str, code: Option<&str>) -> String {
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return Esc(display).to_string();
    };
    let digit_at = |i: Option<char>| i.is_some_and(|c| c.is_ascii_digit());
    let mut found = display.match_indices(code).map(|(i, _)| i);
    let alone = found.clone().find(|&i| {
        !digit_at(display[..i].chars().next_back())
            && !digit_at(display[i + code.len()..].chars().next())
    });
    let mark = format!(
        "<mark class=\"code\" title=\"authorization code\">{}</mark>",
        Esc(code)
    );
    match alone.or_else(|| found.next()) {
        Some(i) => format!(
            "{}{mark}{}",
            Esc(&display[..i]),
            Esc(&display[i + code.len()..])
        ),
        None => format!("{} {mark}", Esc(display)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_marked_where_it_stands_alone() {
        let marked =
            |t: &str| format!("<mark class=\"code\" title=\"authorization code\">{t}</mark>");
        assert_eq!(
            text_with_code("Order 12345678: code 1234", Some("1234")),
            format!("Order 12345678: code {}", marked("1234"))
        );
        assert_eq!(
            text_with_code("验证码：654321 <b>", Some("654321")),
            format!("验证码：{} &lt;b&gt;", marked("654321"))
        );
        assert_eq!(
            text_with_code("Code 1234?", Some("99999")),
            format!("Code 1234? {}", marked("99999"))
        );
        assert_eq!(text_with_code("a < b", None), "a &lt; b");
    }
}
