//! Locking the vault when the screen locks, where the platform says so:
//! the session bus's screensaver signals (`org.freedesktop.ScreenSaver` and
//! `org.gnome.ScreenSaver` `ActiveChanged(true)`) and logind's
//! `org.freedesktop.login1.Session.Lock` on the system bus. Where no bus is
//! reachable nothing happens (the idle lock still works).

use std::time::Duration;

/// Watches the buses on background threads; calls `on_lock` for each lock.
#[cfg(target_os = "linux")]
pub fn watch(on_lock: impl Fn() + Send + Sync + Clone + 'static) {
    use dbus::blocking::Connection;
    use dbus::message::MatchRule;

    let session_cb = on_lock.clone();
    std::thread::spawn(move || {
        let Ok(conn) = Connection::new_session() else {
            return;
        };
        for iface in ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"] {
            let cb = session_cb.clone();
            let rule = MatchRule::new_signal(iface, "ActiveChanged");
            let _ = conn.add_match(rule, move |(active,): (bool,), _, _| {
                if active {
                    cb();
                }
                true
            });
        }
        while conn.process(Duration::from_secs(60)).is_ok() {}
    });
    std::thread::spawn(move || {
        let Ok(conn) = Connection::new_system() else {
            return;
        };
        let rule = MatchRule::new_signal("org.freedesktop.login1.Session", "Lock");
        let cb = on_lock.clone();
        let _ = conn.add_match(rule, move |_: (), _, _| {
            cb();
            true
        });
        while conn.process(Duration::from_secs(60)).is_ok() {}
    });
}

#[cfg(not(target_os = "linux"))]
pub fn watch(_on_lock: impl Fn() + Send + Sync + Clone + 'static) {}
