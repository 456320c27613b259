//! Configuration: the TOML file an operator writes, parsed into validated
//! types. Every field has a default ([`Config::default`] is a loopback cell
//! with no terminals), unknown keys are errors, values are checked as they are
//! read (an MSISDN with a letter never exists), then the whole is checked for
//! cross-field mistakes (a number or IMSI listed twice, a code pattern that
//! does not compile).
//!
//! Sections: `[cell]` and `[http]` ([`cell`]), `[codes]` ([`CodesConfig`]),
//! `[[terminals]]` ([`terminals`]). `fixtures/handset-sim.toml` shows each.

pub mod cell;
pub(crate) mod de;
pub mod terminals;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use cell::{CellConfig, HttpConfig};
pub use terminals::TerminalConfig;

use crate::codes::CodeExtractor;

/// `[codes]`: how authorization codes are found in message texts.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CodesConfig {
    /// Regexes tried in order; capture group 1 is the code. None keeps
    /// [`crate::codes::DEFAULT_PATTERNS`].
    pub patterns: Option<Vec<String>>,
}

impl CodesConfig {
    pub fn extractor(&self) -> Result<CodeExtractor, crate::codes::PatternError> {
        match &self.patterns {
            Some(p) => CodeExtractor::new(p),
            None => Ok(CodeExtractor::default()),
        }
    }
}

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub cell: CellConfig,
    pub http: HttpConfig,
    pub codes: CodesConfig,
    pub terminals: Vec<TerminalConfig>,
}

/// Why a configuration was refused. Each message names the file (or
/// `config` for a string) and the offending field.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key, a wrong type or an invalid value; the
    /// message is the TOML parser's, with line, column and the offending line.
    #[error("{origin}: {message}")]
    Syntax { origin: String, message: String },
    /// A value the parser accepted but the checks did not.
    #[error("{origin}: {field}: {message}")]
    Invalid {
        origin: String,
        field: String,
        message: String,
    },
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        origin: "config".into(),
        field: field.into(),
        message: message.into(),
    }
}

impl Config {
    /// Read and validate a config file; errors name the file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let origin = path.display().to_string();
        Self::from_toml_str(&text).map_err(|e| match e {
            ConfigError::Syntax { message, .. } => ConfigError::Syntax { origin, message },
            ConfigError::Invalid { field, message, .. } => ConfigError::Invalid {
                origin,
                field,
                message,
            },
            read @ ConfigError::Read { .. } => read,
        })
    }

    /// Parse and validate TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            origin: "config".into(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        config.check()?;
        Ok(config)
    }

    /// Cross-field checks; single values were checked while parsing.
    pub fn check(&self) -> Result<(), ConfigError> {
        cell::check_id(&self.cell.id).map_err(|m| invalid("cell.id", m))?;
        cell::check_air(&self.cell.air).map_err(|m| invalid("cell.air", m))?;
        if self.cell.reconnect_max < self.cell.reconnect_initial {
            return Err(invalid(
                "cell.reconnect_max_ms",
                "must be at least cell.reconnect_initial_ms",
            ));
        }
        if !(1024..=wire::air::DEFAULT_MAX_FRAME_LEN as u32 * 16).contains(&self.cell.max_frame_len)
        {
            return Err(invalid(
                "cell.max_frame_len",
                format!(
                    "{} is outside 1024..={}",
                    self.cell.max_frame_len,
                    wire::air::DEFAULT_MAX_FRAME_LEN * 16
                ),
            ));
        }
        self.codes
            .extractor()
            .map_err(|e| invalid("codes", e.to_string()))?;
        let (mut numbers, mut imsis) = (HashSet::new(), HashSet::new());
        for (i, t) in self.terminals.iter().enumerate() {
            t.check()
                .map_err(|(field, m)| invalid(format!("terminals[{i}].{field}"), m))?;
            if !numbers.insert(&t.msisdn) {
                return Err(invalid(
                    format!("terminals[{i}].msisdn"),
                    format!("{} is listed twice", t.msisdn),
                ));
            }
            if !imsis.insert(&t.imsi) {
                return Err(invalid(
                    format!("terminals[{i}].imsi"),
                    format!("{} is already the IMSI of another terminal", t.imsi),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
