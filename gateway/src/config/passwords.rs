//! `[passwords]`: argon2id cost parameters. A named profile ("default":
//! the OWASP minimum m=19 MiB, t=2, p=1; "strong": m=64 MiB, t=3, p=1) or
//! explicit `m_kib`, `t`, `p`, which override the profile's values one by
//! one. Changing them makes logins rehash stored passwords.

use serde::Deserialize;

/// Resolved argon2id parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl PasswordParams {
    pub const DEFAULT: PasswordParams = PasswordParams {
        m_kib: 19_456,
        t: 2,
        p: 1,
    };
    pub const STRONG: PasswordParams = PasswordParams {
        m_kib: 65_536,
        t: 3,
        p: 1,
    };

    /// Checks the values argon2 would refuse (memory below 8 KiB per lane,
    /// no iterations, lanes outside 1..=255).
    pub fn validate(&self) -> Result<(), String> {
        argon2::Params::new(self.m_kib, self.t, self.p, None)
            .map(|_| ())
            .map_err(|e| format!("m_kib={}, t={}, p={}: {e}", self.m_kib, self.t, self.p))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PasswordProfile {
    #[default]
    Default,
    Strong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordsConfig {
    pub profile: PasswordProfile,
    pub m_kib: Option<u32>,
    pub t: Option<u32>,
    pub p: Option<u32>,
}

impl PasswordsConfig {
    /// The profile with any explicit values applied.
    pub fn params(&self) -> PasswordParams {
        let base = match self.profile {
            PasswordProfile::Default => PasswordParams::DEFAULT,
            PasswordProfile::Strong => PasswordParams::STRONG,
        };
        PasswordParams {
            m_kib: self.m_kib.unwrap_or(base.m_kib),
            t: self.t.unwrap_or(base.t),
            p: self.p.unwrap_or(base.p),
        }
    }
}
