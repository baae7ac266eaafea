//! A minimal Tauri window (one static page, no command, no plugin): the
//! floor the desktop benchmark (`scripts/bench-app.sh`, issue 16) measures
//! the app's memory against, in the same run on the same machine.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!("examples/minimal/tauri.conf.json"))
        .expect("the minimal window runs");
}
