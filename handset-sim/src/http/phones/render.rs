//! The page shell around the devices: [`page`] (head with the versioned
//! asset links, the cell header with the link state, the device list),
//! [`message_page`] for answers to the no-JavaScript forms, and the
//! helpers every piece of markup uses: [`Esc`] (HTML escaping of every
//! text that came from a config, the API or the air) and [`clock`].

use std::fmt::{self, Display, Write};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use super::assets;
use crate::cell::LinkStatus;

/// Text escaped for HTML content and quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// A `<time>` showing hours and minutes; the script turns it into the
/// viewer's local time, the `datetime` keeps the instant.
pub fn clock(t: &OffsetDateTime) -> String {
    let full = t.format(&Rfc3339).unwrap_or_default();
    let short = t
        .format(format_description!("[hour]:[minute]"))
        .unwrap_or_default();
    format!("<time datetime=\"{full}\" title=\"{full}\">{short}</time>")
}

/// What the header shows about the cell.
pub struct CellHeader<'a> {
    pub id: &'a str,
    pub air: &'a str,
    pub link: &'a LinkStatus,
}

/// The whole page around `devices` (the rendered device articles). With
/// `single`, the page shows one terminal and follows only its events.
pub fn page(cell: &CellHeader<'_>, devices: &str, single: Option<&str>) -> String {
    let mut html = String::with_capacity(devices.len() + 2048);
    let title = match single {
        Some(m) => format!("+{m} · {}", cell.id),
        None => format!("Phones · {}", cell.id),
    };
    head(&mut html, &title);
    let (class, data) = match single {
        Some(m) => ("single", format!(" data-msisdn=\"{}\"", Esc(m))),
        None => ("all", String::new()),
    };
    let (state, why) = link_words(cell.link);
    let _ = write!(
        html,
        "<body class=\"{class}\"{data}>\
         <header class=\"cell-bar\">\
         <h1>Switchboard phones <span class=\"cell-id\">cell {id}</span></h1>\
         <p id=\"link\" class=\"link {state}\" role=\"status\">Link to the switch \
         <b>{state}</b> <span class=\"why\">{why}</span></p>\
         <p class=\"air\">air link {air}</p>\
         <p id=\"live\" class=\"live\" hidden></p>\
         <noscript><p class=\"live\">Static page: reload to see changes</p></noscript>\
         {nav}</header>\
         <main id=\"devices\" class=\"devices\" aria-label=\"Terminals\">{devices}\
         <p class=\"empty\">No terminals in this cell.</p></main></body></html>",
        id = Esc(cell.id),
        why = Esc(&why),
        air = Esc(cell.air),
        nav = match single {
            Some(_) => "<p><a href=\"/phones\">All terminals</a></p>",
            None => "",
        },
    );
    html
}

/// A small page with a message and a way back (the no-JavaScript forms'
/// answer when an action fails, and unknown terminals).
pub fn message_page(title: &str, message: &str, back: &str) -> String {
    let mut html = String::new();
    head(&mut html, title);
    let _ = write!(
        html,
        "<body class=\"message\"><main><h1>{title}</h1><p>{message}</p>\
         <p><a href=\"{back}\">Back to the phones</a></p></main></body></html>",
        title = Esc(title),
        message = Esc(message),
        back = Esc(back),
    );
    html
}

fn head(html: &mut String, title: &str) {
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"{css}\">\
         <script src=\"{js}\" defer></script></head>",
        title = Esc(title),
        css = assets::CSS.url(),
        js = assets::JS.url(),
    );
}

/// ("up" | "down", the detail after it).
fn link_words(link: &LinkStatus) -> (&'static str, String) {
    match (link.up, link.since, &link.last_error) {
        (true, Some(since), _) => ("up", format!("since {}", clock_text(&since))),
        (true, None, _) => ("up", String::new()),
        (false, _, Some(error)) => ("down", error.clone()),
        (false, _, None) => ("down", "not connected yet".to_owned()),
    }
}

fn clock_text(t: &OffsetDateTime) -> String {
    t.format(format_description!("[hour]:[minute]:[second] UTC"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        let nasty = "<script>alert(\"x\")</script> & Bob's";
        assert_eq!(
            Esc(nasty).to_string(),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Bob&#39;s"
        );
        assert_eq!(Esc("李伟的手机").to_string(), "李伟的手机");
        assert_eq!(Esc("").to_string(), "");
    }

    #[test]
    fn the_page_names_the_cell_and_its_link() {
        let link = LinkStatus {
            up: false,
            last_error: Some("connection refused <port 1>".into()),
            ..LinkStatus::default()
        };
        let cell = CellHeader {
            id: "cell<1>",
            air: "127.0.0.1:1",
            link: &link,
        };
        let html = page(&cell, "<article class=\"device\"></article>", None);
        assert!(html.contains("cell cell&lt;1&gt;"), "{html}");
        assert!(html.contains("class=\"link down\""), "{html}");
        assert!(html.contains("connection refused &lt;port 1&gt;"), "{html}");
        assert!(html.contains(assets::CSS.url().as_str()));
        let one = page(&cell, "", Some("447700900101"));
        assert!(one.contains("data-msisdn=\"447700900101\""), "{one}");
        assert!(one.contains("href=\"/phones\""), "{one}");
    }
}
