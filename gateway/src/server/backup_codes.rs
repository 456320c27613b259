//! Backup codes generated at fixture import, kept out of consoles and logs.

use anyhow::Context;

/// Backup codes generated for fixture customers that gave none go to
/// `backup-codes.txt` (0600) in the data directory, never to the console
/// or the logs, which often end up in a journal; stderr says where.
pub(super) fn write_generated_backup_codes(
    data_dir: &std::path::Path,
    added: &[(
        crate::domain::CustomerId,
        String,
        Option<crate::customers::BackupCode>,
    )],
) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let generated: Vec<_> = added
        .iter()
        .filter_map(|(id, name, code)| code.as_ref().map(|c| (id, name, c)))
        .collect();
    if generated.is_empty() {
        return Ok(());
    }
    let path = data_dir.join("backup-codes.txt");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    // `mode` only applies when the file is created; one that was already
    // there (an older build, an operator's touch) is tightened before any
    // code goes in.
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .with_context(|| format!("making {} private (0600)", path.display()))?;
    for (id, name, code) in &generated {
        writeln!(
            file,
            "customer {id} ({name}): backup code {}",
            code.expose()
        )?;
    }
    eprintln!(
        "{} generated backup code(s) written to {} (hand them over, then delete the file)",
        generated.len(),
        path.display()
    );
    Ok(())
}
