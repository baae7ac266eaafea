//! Build script: reads `tauri.conf.json` (a symlink to the repository root's
//! file, so that both cargo and the npm Tauri CLI find it) and the
//! capabilities in `capabilities/`. The app manifest lists every command,
//! so that each must be granted explicitly (`allow-<command>` in
//! `capabilities/main.json`): nothing is reachable from the web view by
//! default.

const COMMANDS: &[&str] = &[
    "vault_status",
    "vault_create",
    "vault_unlock",
    "vault_unlock_keyring",
    "vault_lock",
    "vault_set_keyring",
    "vault_change_password",
    "vault_check_password",
    "vault_backups",
    "vault_restore_backup",
    "activity",
    "entries_list",
    "codes_now",
    "hotp_next",
    "copy_code",
    "entry_update",
    "entry_delete",
    "entry_restore",
    "entry_qr",
    "copy_text",
    "save_begin",
    "save_status",
    "preview_text",
    "preview_image",
    "preview_clipboard_image",
    "preview_screen",
    "preview_manual",
    "preview_save",
    "preview_discard",
    "import_formats",
    "import_file",
    "export_formats",
    "export_file",
    "recovery_get",
    "recovery_parse",
    "recovery_save",
    "recovery_mark",
    "recovery_copy",
    "recovery_overview",
    "settings_get",
    "settings_set",
    "account_status",
    "account_signup",
    "account_signin",
    "account_verify",
    "account_code_from_vault",
    "account_signout",
    "twofa_begin",
    "twofa_add_to_vault",
    "twofa_enable",
    "twofa_finish",
    "account_codes_copy",
    "account_codes_download",
    "account_recovery_view",
    "account_recovery_regenerate",
    "twofa_disable",
    "tokens_list",
    "token_create",
    "token_delete",
    "sessions_list",
    "sessions_signout_others",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
