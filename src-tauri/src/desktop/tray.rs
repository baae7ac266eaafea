//! The tray icon and its menu: the pinned entries (a click copies the
//! code, with the normal clipboard rules), "Open", "Quick copy…", "Lock",
//! "Quit", and the lock state in its Lock line and tooltip.
//!
//! The menu's model ([`menu_model`], [`action_of`]) is pure and
//! unit-tested; [`init`] builds the icon (tauri's `tray-icon`, through
//! libayatana-appindicator on Linux) only when the desktop has a tray host
//! — a `org.kde.StatusNotifierWatcher` on the session bus (KDE, XFCE,
//! GNOME with the AppIndicator extension …). Without one the icon would be
//! invisible, so there is none, [`TrayPresence`] is false, and closing the
//! window quits as before. `APIQ_TRAY=0` turns the tray off.
//!
//! Linux keeps the first menu a tray icon is given, so the refresher
//! changes that menu's items when the lock state or the pinned entries
//! change (it looks once a second; nothing is rebuilt when nothing
//! changed).

/// Pinned entries shown at most.
pub const MAX_PINNED: usize = 10;

/// One menu line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A clickable line: its id (what a click does) and text.
    Action {
        id: String,
        text: String,
        enabled: bool,
    },
    Separator,
}

/// What a menu id does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Copy(String),
    Open,
    QuickCopy,
    Lock,
    Quit,
}

/// Reads a menu id back.
pub fn action_of(id: &str) -> Option<Action> {
    Some(match id {
        "open" => Action::Open,
        "quick" => Action::QuickCopy,
        "lock" => Action::Lock,
        "quit" => Action::Quit,
        other => Action::Copy(other.strip_prefix("copy:")?.to_string()),
    })
}

/// The menu for a lock state and the pinned entries (`(id, label)`, in
/// the list's order): the pinned entries first (only while unlocked: a
/// locked vault has no codes), then Open, Quick copy…, Lock, Quit.
pub fn menu_model(unlocked: bool, pinned: &[(String, String)]) -> Vec<Item> {
    let action = |id: &str, text: &str, enabled: bool| Item::Action {
        id: id.into(),
        text: text.into(),
        enabled,
    };
    let mut out = Vec::new();
    if unlocked && !pinned.is_empty() {
        for (id, label) in pinned.iter().take(MAX_PINNED) {
            out.push(action(
                &format!("copy:{id}"),
                &format!("Copy {label}"),
                true,
            ));
        }
        out.push(Item::Separator);
    }
    out.push(action("open", "Open Apiq Authenticator", true));
    out.push(action("quick", "Quick copy…", true));
    out.push(Item::Separator);
    out.push(if unlocked {
        action("lock", "Lock", true)
    } else {
        action("lock", "Locked", false)
    });
    out.push(action("quit", "Quit", true));
    out
}

/// The tooltip for a lock state.
pub fn tooltip(unlocked: bool) -> &'static str {
    if unlocked {
        "Apiq Authenticator (unlocked)"
    } else {
        "Apiq Authenticator (locked)"
    }
}

/// Whether the app has a tray icon (closing the window can hide it there).
pub struct TrayPresence(pub bool);

/// The tray icon's id.
const TRAY_ID: &str = "main";
/// The well-known bus name of a tray host.
pub const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// Whether `conn`'s bus has a tray host.
#[cfg(target_os = "linux")]
pub fn watcher_on(conn: &dbus::blocking::Connection) -> bool {
    let bus = conn.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        std::time::Duration::from_secs(2),
    );
    let owned: Result<(bool,), _> =
        bus.method_call("org.freedesktop.DBus", "NameHasOwner", (WATCHER,));
    owned.is_ok_and(|(b,)| b)
}

/// Whether this session has a tray host (and `APIQ_TRAY` is not `0`).
fn host_present() -> bool {
    if std::env::var("APIQ_TRAY").is_ok_and(|v| v == "0") {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        dbus::blocking::Connection::new_session().is_ok_and(|c| watcher_on(&c))
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// The lock state and the pinned entries (`(id, label)`, in the list's
/// order) as the menu shows them.
fn snapshot(app: &tauri::AppHandle) -> (bool, Vec<(String, String)>) {
    use tauri::Manager;
    let st = app.state::<crate::state::AppState>();
    let guard = crate::state::lock(&st.vault);
    match guard.as_ref() {
        None => (false, Vec::new()),
        Some(v) => {
            let mut pinned: Vec<_> = v
                .entries()
                .iter()
                .filter(|e| e.pinned && !e.archived)
                .map(|e| (e.id.to_string(), e.label()))
                .collect();
            pinned.sort_by_key(|a| a.1.to_lowercase());
            (true, pinned)
        }
    }
}

/// Replaces `menu`'s items with the model's.
fn fill(
    app: &tauri::AppHandle,
    menu: &tauri::menu::Menu<tauri::Wry>,
    model: &[Item],
) -> tauri::Result<()> {
    use tauri::menu::{MenuItem, PredefinedMenuItem};
    for old in menu.items()? {
        menu.remove(&old)?;
    }
    for item in model {
        match item {
            Item::Action { id, text, enabled } => menu.append(&MenuItem::with_id(
                app,
                id.as_str(),
                text,
                *enabled,
                None::<&str>,
            )?)?,
            Item::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
        }
    }
    Ok(())
}

/// Builds the tray icon when the desktop has a tray host; whether it did.
pub fn init(app: &tauri::AppHandle) -> bool {
    if !host_present() {
        return false;
    }
    match build(app) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("no tray icon: {e}");
            false
        }
    }
}

fn build(app: &tauri::AppHandle) -> tauri::Result<()> {
    use tauri::tray::TrayIconBuilder;
    let (unlocked, pinned) = snapshot(app);
    let menu = tauri::menu::Menu::new(app)?;
    fill(app, &menu, &menu_model(unlocked, &pinned))?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(tooltip(unlocked))
        .menu(&menu)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    let tray = tray.build(app)?;
    // Keep the menu in step with the lock state and the pinned entries.
    let handle = app.clone();
    std::thread::spawn(move || {
        let mut shown = (unlocked, pinned);
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
            let now = snapshot(&handle);
            if now == shown {
                continue;
            }
            if fill(&handle, &menu, &menu_model(now.0, &now.1)).is_err() {
                return; // the app is going away
            }
            let _ = tray.set_tooltip(Some(tooltip(now.0)));
            shown = now;
        }
    });
    Ok(())
}

/// What a click on a menu line does.
fn on_menu(app: &tauri::AppHandle, id: &str) {
    use tauri::{Emitter, Manager};
    let st = app.state::<crate::state::AppState>();
    match action_of(id) {
        Some(Action::Copy(entry)) => {
            if let Err(e) = crate::commands::entries::copy_code(st, entry) {
                eprintln!("tray: the code was not copied: {e}");
            }
        }
        Some(Action::Open) => {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }
        Some(Action::QuickCopy) => super::palette::show(app),
        Some(Action::Lock) => {
            st.lock_all();
            let _ = app.emit("vault-locked", "Locked from the tray.");
        }
        Some(Action::Quit) => app.exit(0),
        None => {}
    }
}

/// Whether closing the main window should hide it instead of quitting.
pub fn close_hides(app: &tauri::AppHandle) -> bool {
    use tauri::Manager;
    let present = app.try_state::<TrayPresence>().is_some_and(|p| p.0);
    present
        && app
            .state::<crate::state::AppState>()
            .settings()
            .close_to_tray
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(m: &[Item]) -> Vec<String> {
        m.iter()
            .map(|i| match i {
                Item::Action { id, enabled, .. } => {
                    format!("{id}{}", if *enabled { "" } else { "(off)" })
                }
                Item::Separator => "-".into(),
            })
            .collect()
    }

    #[test]
    fn unlocked_with_pinned_entries() {
        let pinned = vec![
            ("aa".to_string(), "GitHub (ann)".to_string()),
            ("bb".into(), "AWS (root)".into()),
        ];
        let m = menu_model(true, &pinned);
        assert_eq!(
            ids(&m),
            ["copy:aa", "copy:bb", "-", "open", "quick", "-", "lock", "quit"]
        );
        match &m[0] {
            Item::Action { text, .. } => assert_eq!(text, "Copy GitHub (ann)"),
            _ => unreachable!(),
        }
    }

    #[test]
    fn locked_hides_the_codes_and_says_locked() {
        let pinned = vec![("aa".to_string(), "GitHub".to_string())];
        let m = menu_model(false, &pinned);
        assert_eq!(ids(&m), ["open", "quick", "-", "lock(off)", "quit"]);
        assert!(m
            .iter()
            .any(|i| matches!(i, Item::Action { text, .. } if text == "Locked")));
        assert_eq!(tooltip(false), "Apiq Authenticator (locked)");
    }

    #[test]
    fn no_pinned_entries_no_separator_and_at_most_ten() {
        assert_eq!(
            ids(&menu_model(true, &[])),
            ["open", "quick", "-", "lock", "quit"]
        );
        let many: Vec<_> = (0..15)
            .map(|i| (format!("{i:02}"), format!("E{i}")))
            .collect();
        let m = menu_model(true, &many);
        assert_eq!(
            m.iter()
                .filter(|i| matches!(i, Item::Action { id, .. } if id.starts_with("copy:")))
                .count(),
            MAX_PINNED
        );
    }

    /// A private bus (dbus-daemon), to which a test can add a tray host.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_tray_host_is_seen_on_the_bus_only_when_there_is_one() {
        use std::io::BufRead;
        let mut daemon = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian package dbus) runs");
        let mut address = String::new();
        std::io::BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let connect = || {
            let mut c = dbus::channel::Channel::open_private(address.trim()).unwrap();
            c.register().unwrap();
            dbus::blocking::Connection::from(c)
        };
        let app = connect();
        assert!(!watcher_on(&app), "no tray host yet");
        let host = connect();
        host.request_name(WATCHER, false, true, true).unwrap();
        assert!(watcher_on(&app), "the tray host is seen");
        drop(host);
        let _ = daemon.kill();
        let _ = daemon.wait();
    }

    #[test]
    fn every_menu_id_reads_back_as_its_action() {
        let pinned = vec![("aa".to_string(), "X".to_string())];
        for item in menu_model(true, &pinned) {
            if let Item::Action { id, .. } = item {
                assert!(action_of(&id).is_some(), "{id}");
            }
        }
        assert_eq!(action_of("copy:aa"), Some(Action::Copy("aa".into())));
        assert_eq!(action_of("quit"), Some(Action::Quit));
        assert_eq!(action_of("nonsense"), None);
    }
}
