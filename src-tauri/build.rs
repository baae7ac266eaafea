//! Build script: reads `tauri.conf.json` (a symlink to the repository root's
//! file, so that both cargo and the npm Tauri CLI find it) and the
//! capabilities in `capabilities/`.
fn main() {
    tauri_build::build()
}
