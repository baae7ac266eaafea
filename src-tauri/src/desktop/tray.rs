//! The tray menu's model: the pinned entries (a click copies the code),
//! "Open", "Quick copy…", "Lock", "Quit", and the lock state in its
//! tooltip and Lock line. Pure and unit-tested; the tray icon itself
//! (tauri's `tray-icon` feature) is not built in this version: turning
//! the feature on rebuilt the whole dependency tree, which this session's
//! shared build machine could not afford (see docs/desktop.md). Without a
//! tray, closing the window quits, as before.

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
