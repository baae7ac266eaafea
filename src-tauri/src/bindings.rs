//! `ui/src/ipc/bindings.ts`, generated from the types in [`crate::dto`].
//!
//! The test below renders the file and compares it with the one in the
//! repository: it fails when a Rust type changed and the TypeScript did
//! not follow. `UPDATE_BINDINGS=1 cargo test -p apiq-authenticator bindings`
//! rewrites the file.

use ts_rs::TS;

use crate::dto::*;

/// The file's text: every DTO as an exported TypeScript type.
pub fn render() -> String {
    let decls = [
        VaultStatus::decl(),
        OtpKind::decl(),
        EntryView::decl(),
        IconPackView::decl(),
        CodeView::decl(),
        CodesSnapshot::decl(),
        PreviewStatus::decl(),
        PreviewItem::decl(),
        Preview::decl(),
        SaveResult::decl(),
        ManualEntry::decl(),
        EntryPatch::decl(),
        FormatInfo::decl(),
        ImportOutcome::decl(),
        RecoveryItem::decl(),
        RecoveryView::decl(),
        Settings::decl(),
        SortOrder::decl(),
        Theme::decl(),
        CopyResult::decl(),
        Deleted::decl(),
        QrImage::decl(),
        BackupView::decl(),
        RecoveryOverviewItem::decl(),
        ErrorView::decl(),
        ErrorKind::decl(),
        AccountStatus::decl(),
        UserView::decl(),
        TwoFactorSetup::decl(),
        AccountCode::decl(),
        AccountCodes::decl(),
        TokenView::decl(),
        NewToken::decl(),
        SessionView::decl(),
        crate::savefile::SaveDone::decl(),
        crate::desktop::dto::ClockView::decl(),
        crate::desktop::dto::LaunchRequest::decl(),
        crate::desktop::dto::DesktopInfo::decl(),
        crate::desktop::dto::SyncState::decl(),
        crate::desktop::dto::SyncView::decl(),
        crate::desktop::dto::SyncDevice::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by src-tauri/src/bindings.rs: do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p apiq-authenticator bindings\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        let want = super::render();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/ipc/bindings.ts is stale: run UPDATE_BINDINGS=1 cargo test -p apiq-authenticator bindings"
        );
    }
}
