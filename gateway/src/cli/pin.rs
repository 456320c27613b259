//! Reading a customer's payment PIN (confirmation from the handset) for
//! `customers add --pin` and `customers pin`: never from argv, but from
//! stdin when it is a pipe or file (the next line: after the password for
//! `add`), or from a prompt on the terminal without echo, typed twice.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use gateway::customers::PaymentPin;
use zeroize::Zeroizing;

/// Longest line read; anything longer is not a PIN.
const MAX_LINE: usize = 64;

/// The PIN from stdin or the terminal.
pub fn read_pin() -> anyhow::Result<PaymentPin> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        prompt()
    } else {
        from_reader(stdin.lock())
    }
}

fn prompt() -> anyhow::Result<PaymentPin> {
    let first = Zeroizing::new(
        rpassword::prompt_password("Customer's payment PIN (4-8 digits): ")
            .context("reading the PIN from the terminal")?,
    );
    let again =
        Zeroizing::new(rpassword::prompt_password("Repeat it: ").context("reading the PIN again")?);
    if *first != *again {
        bail!("the two PINs differ; nothing was changed");
    }
    Ok(PaymentPin::new(first.to_string())?)
}

/// The next line of `input`, without its line end, as a PIN.
pub fn from_reader(input: impl BufRead) -> anyhow::Result<PaymentPin> {
    let mut line = Zeroizing::new(String::with_capacity(MAX_LINE));
    input
        .take(MAX_LINE as u64)
        .read_line(&mut line)
        .context("reading the PIN from stdin")?;
    if line.is_empty() {
        bail!("no PIN on stdin (pipe one line, or run in a terminal to be prompted)");
    }
    let end = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(end);
    Ok(PaymentPin::new(std::mem::take(&mut *line))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_is_the_pin_and_bad_pins_are_refused() {
        for input in ["4821\n", "4821\r\nrest\n", "4821"] {
            let p = from_reader(input.as_bytes()).expect("a PIN");
            assert_eq!(p.expose(), "4821", "{input:?}");
        }
        for bad in ["", "\n", "12\n", "48 21\n", "123456789\n"] {
            assert!(from_reader(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }
}
