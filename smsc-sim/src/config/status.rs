//! command_status by name: `"ESME_RTHROTTLED"` ⇄ 0x58, for fault rules in the
//! config file and the admin API. Names are the SMPP 5.0 spellings, with the
//! SMPP 3.4 names of the 0xC0–0xC4 range accepted as aliases; matching
//! ignores case and underscores, so rusmpp's `EsmeRthrottled` works too.
//! Numbers (decimal or `0x` hex) name any status, listed or not.

use wire::smpp::rusmpp::CommandStatus;

/// (code, canonical name) for every status rusmpp knows.
const NAMES: &[(u32, &str)] = &[
    (0x000, "ESME_ROK"),
    (0x001, "ESME_RINVMSGLEN"),
    (0x002, "ESME_RINVCMDLEN"),
    (0x003, "ESME_RINVCMDID"),
    (0x004, "ESME_RINVBNDSTS"),
    (0x005, "ESME_RALYBND"),
    (0x006, "ESME_RINVPRTFLG"),
    (0x007, "ESME_RINVREGDLVFLG"),
    (0x008, "ESME_RSYSERR"),
    (0x00A, "ESME_RINVSRCADR"),
    (0x00B, "ESME_RINVDSTADR"),
    (0x00C, "ESME_RINVMSGID"),
    (0x00D, "ESME_RBINDFAIL"),
    (0x00E, "ESME_RINVPASWD"),
    (0x00F, "ESME_RINVSYSID"),
    (0x011, "ESME_RCANCELFAIL"),
    (0x013, "ESME_RREPLACEFAIL"),
    (0x014, "ESME_RMSGQFUL"),
    (0x015, "ESME_RINVSERTYP"),
    (0x033, "ESME_RINVNUMDESTS"),
    (0x034, "ESME_RINVDLNAME"),
    (0x040, "ESME_RINVDESTFLAG"),
    (0x042, "ESME_RINVSUBREP"),
    (0x043, "ESME_RINVESMCLASS"),
    (0x044, "ESME_RCNTSUBDL"),
    (0x045, "ESME_RSUBMITFAIL"),
    (0x048, "ESME_RINVSRCTON"),
    (0x049, "ESME_RINVSRCNPI"),
    (0x050, "ESME_RINVDSTTON"),
    (0x051, "ESME_RINVDSTNPI"),
    (0x053, "ESME_RINVSYSTYP"),
    (0x054, "ESME_RINVREPFLAG"),
    (0x055, "ESME_RINVNUMMSGS"),
    (0x058, "ESME_RTHROTTLED"),
    (0x061, "ESME_RINVSCHED"),
    (0x062, "ESME_RINVEXPIRY"),
    (0x063, "ESME_RINVDFTMSGID"),
    (0x064, "ESME_RX_T_APPN"),
    (0x065, "ESME_RX_P_APPN"),
    (0x066, "ESME_RX_R_APPN"),
    (0x067, "ESME_RQUERYFAIL"),
    (0x0C0, "ESME_RINVTLVSTREAM"),
    (0x0C1, "ESME_RTLVNOTALLWD"),
    (0x0C2, "ESME_RINVTLVLEN"),
    (0x0C3, "ESME_RMISSINGTLV"),
    (0x0C4, "ESME_RINVTLVVAL"),
    (0x0FE, "ESME_RDELIVERYFAILURE"),
    (0x0FF, "ESME_RUNKNOWNERR"),
    (0x100, "ESME_RSERTYPUNAUTH"),
    (0x101, "ESME_RPROHIBITED"),
    (0x102, "ESME_RSERTYPUNAVAIL"),
    (0x103, "ESME_RSERTYPDENIED"),
    (0x104, "ESME_RINVDCS"),
    (0x105, "ESME_RINVSRCADDRSUBUNIT"),
    (0x106, "ESME_RINVDSTADDRSUBUNIT"),
    (0x107, "ESME_RINVBCASTFREQINT"),
    (0x108, "ESME_RINVBCASTALIAS_NAME"),
    (0x109, "ESME_RINVBCASTAREAFMT"),
    (0x10A, "ESME_RINVNUMBCAST_AREAS"),
    (0x10B, "ESME_RINVBCASTCNTTYPE"),
    (0x10C, "ESME_RINVBCASTMSGCLASS"),
    (0x10D, "ESME_RBCASTFAIL"),
    (0x10E, "ESME_RBCASTQUERYFAIL"),
    (0x10F, "ESME_RBCASTCANCELFAIL"),
    (0x110, "ESME_RINVBCAST_REP"),
    (0x111, "ESME_RINVBCASTSRVGRP"),
    (0x112, "ESME_RINVBCASTCHANIND"),
];

/// SMPP 3.4 names for the TLV ("optional parameter") errors.
const ALIASES: &[(u32, &str)] = &[
    (0x0C0, "ESME_RINVOPTPARSTREAM"),
    (0x0C1, "ESME_ROPTPARNOTALLWD"),
    (0x0C2, "ESME_RINVPARLEN"),
    (0x0C3, "ESME_RMISSINGOPTPARAM"),
    (0x0C4, "ESME_RINVOPTPARAMVAL"),
];

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Parse a status given as a name (`ESME_RTHROTTLED`, any case, underscores
/// optional), a decimal number (`88`) or a hex number (`0x58`).
pub fn parse_command_status(s: &str) -> Result<CommandStatus, String> {
    let s = s.trim();
    let number = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse::<u32>().ok(),
    };
    if let Some(code) = number {
        return Ok(CommandStatus::from(code));
    }
    let wanted = normalize(s);
    NAMES
        .iter()
        .chain(ALIASES)
        .find(|(_, name)| normalize(name) == wanted)
        .map(|(code, _)| CommandStatus::from(*code))
        .ok_or_else(|| {
            format!("unknown command_status {s:?}: give an SMPP name such as ESME_RSUBMITFAIL or a number")
        })
}

/// The canonical SMPP name of a status, or None for a code without a name.
pub fn command_status_name(status: CommandStatus) -> Option<&'static str> {
    let code = u32::from(status);
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_both_ways() {
        assert_eq!(
            parse_command_status("ESME_RTHROTTLED"),
            Ok(CommandStatus::EsmeRthrottled)
        );
        assert_eq!(
            parse_command_status("esme_rthrottled"),
            Ok(CommandStatus::EsmeRthrottled)
        );
        assert_eq!(
            parse_command_status("EsmeRthrottled"),
            Ok(CommandStatus::EsmeRthrottled)
        );
        assert_eq!(
            parse_command_status("0x58"),
            Ok(CommandStatus::EsmeRthrottled)
        );
        assert_eq!(
            parse_command_status("88"),
            Ok(CommandStatus::EsmeRthrottled)
        );
        assert_eq!(
            parse_command_status("ESME_RINVOPTPARAMVAL"),
            Ok(CommandStatus::EsmeRinvtlvval)
        );
        assert_eq!(
            parse_command_status("0x400"),
            Ok(CommandStatus::Other(0x400))
        );
        assert_eq!(
            command_status_name(CommandStatus::EsmeRthrottled),
            Some("ESME_RTHROTTLED")
        );
        assert_eq!(command_status_name(CommandStatus::Other(0x400)), None);
        let err = parse_command_status("ESME_RTHROTTLE").unwrap_err();
        assert!(err.contains("ESME_RTHROTTLE"), "{err}");
    }

    #[test]
    fn table_agrees_with_rusmpp() {
        for (code, name) in NAMES.iter().chain(ALIASES) {
            let status = CommandStatus::from(*code);
            assert!(
                !matches!(status, CommandStatus::Other(_)),
                "{name} {code:#x} unknown to rusmpp"
            );
            assert_eq!(parse_command_status(name), Ok(status));
            // rusmpp's variant names are the spec names without underscores.
            assert_eq!(
                normalize(&format!("{status:?}")),
                normalize(command_status_name(status).unwrap_or(""))
            );
        }
    }
}
