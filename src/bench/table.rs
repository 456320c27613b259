//! The human tables of the benchmark reports: one row per figure, printed
//! on stdout before the JSON line (which carries the same figures and each
//! run). The targets of issue 6 are not printed as pass or fail: the
//! reader compares, the benchmark only measures.

use super::handsets::HandsetsReport;
use super::otp::OtpReport;
use super::stats::print_table;

impl OtpReport {
    /// The human table.
    pub fn print_table(&self) {
        let rows = [
            (
                "checkouts",
                format!(
                    "{} per run, {} runs, {} shoppers",
                    self.checkouts,
                    self.runs.len(),
                    self.concurrency
                ),
            ),
            ("checkouts/s", format!("{:.1}", self.checkouts_per_s)),
            (
                "code delivery p50 / p99",
                format!(
                    "{:.2} / {:.2} ms",
                    self.code_delivery_p50_ms, self.code_delivery_p99_ms
                ),
            ),
            (
                "full checkout p50 / p99",
                format!(
                    "{:.1} / {:.1} ms",
                    self.checkout_p50_ms, self.checkout_p99_ms
                ),
            ),
            (
                "argon2id hashes/s",
                format!(
                    "{:.1} on {} cores, {}",
                    self.argon2_hashes_per_s, self.cores, self.password_profile
                ),
            ),
            (
                "checkouts/s ÷ hashes/s",
                format!("{:.0}%", self.ratio * 100.0),
            ),
        ];
        let rows: Vec<(String, String)> =
            rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        print_table("switchboard bench otp (median of runs)", &rows);
    }
}

impl HandsetsReport {
    /// The human table.
    pub fn print_table(&self) {
        let l = &self.submit_to_inbox;
        let rows = [
            (
                "terminals attached",
                format!("{} in {:.2} s", self.terminals, self.attach_s),
            ),
            (
                "handset-sim resident",
                format!(
                    "{:.0} MiB empty, {:.0} MiB attached, {:.2} KiB per terminal",
                    self.rss_empty_mib, self.rss_attached_mib, self.kib_per_terminal
                ),
            ),
            (
                "messages delivered",
                format!(
                    "{} in {:.2} s (window {}, receipts on): {:.0}/s; submit_sm {:.0}/s",
                    self.messages,
                    self.delivered_s,
                    self.window,
                    self.messages_per_s,
                    self.submit_per_s
                ),
            ),
            (
                "resident after messages",
                format!("{:.0} MiB", self.rss_after_messages_mib),
            ),
            (
                "submit -> inbox p50 / p99",
                format!(
                    "{:.2} / {:.2} ms ({} one at a time)",
                    l.p50_ms, l.p99_ms, l.samples
                ),
            ),
        ];
        let rows: Vec<(String, String)> =
            rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        print_table("switchboard bench handsets", &rows);
    }
}
