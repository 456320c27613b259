//! Reading a customer's password for `customers add`: never from argv
//! (it would sit in the shell history and in `ps`), but from stdin when
//! stdin is a pipe or file (one line, the line end removed), or from a
//! prompt on the terminal without echo, typed twice.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use gateway::domain::Password;
use zeroize::Zeroizing;

/// Longest line read from stdin; anything longer is not a password.
const MAX_LINE: usize = 4096;

/// The password from stdin or the terminal.
pub fn read_password() -> anyhow::Result<Password> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        prompt()
    } else {
        from_reader(stdin.lock())
    }
}

fn prompt() -> anyhow::Result<Password> {
    let first = Zeroizing::new(
        rpassword::prompt_password("Customer's online-payment password: ")
            .context("reading the password from the terminal")?,
    );
    let again = Zeroizing::new(
        rpassword::prompt_password("Repeat it: ").context("reading the password again")?,
    );
    if *first != *again {
        bail!("the two passwords differ; nothing was registered");
    }
    Ok(Password::new(first.to_string())?)
}

/// The first line of `input`, without its "\n" or "\r\n".
pub fn from_reader(input: impl BufRead) -> anyhow::Result<Password> {
    // Sized up front so the line is not copied into reallocations that
    // would stay behind unwiped.
    let mut line = Zeroizing::new(String::with_capacity(MAX_LINE));
    input
        .take(MAX_LINE as u64)
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    if line.is_empty() {
        bail!("no password on stdin (pipe one line, or run in a terminal to be prompted)");
    }
    let end = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(end);
    Ok(Password::new(std::mem::take(&mut *line))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_without_its_end_is_the_password() {
        for input in [
            "secret-pass-1\n",
            "secret-pass-1\r\nignored\n",
            "secret-pass-1",
        ] {
            let p = from_reader(input.as_bytes()).unwrap();
            assert_eq!(p.expose(), "secret-pass-1", "{input:?}");
        }
    }

    #[test]
    fn inner_spaces_are_kept() {
        let p = from_reader("  two words  \n".as_bytes()).unwrap();
        assert_eq!(p.expose(), "  two words  ");
    }

    #[test]
    fn empty_and_short_input_is_refused_without_echoing_it() {
        let e = from_reader("".as_bytes()).unwrap_err().to_string();
        assert!(e.contains("no password"), "{e}");
        let e = from_reader("short\n".as_bytes()).unwrap_err().to_string();
        assert!(e.contains("8 to 128") && !e.contains("short"), "{e}");
    }
}
