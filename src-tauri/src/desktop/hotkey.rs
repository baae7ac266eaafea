//! A global shortcut on X11: a passive key grab on the root window
//! (`XGrabKey`, through x11rb, pure Rust, already used for screen capture)
//! and a thread that waits for its key presses. Works under any X11
//! desktop, XWayland included for X11 apps, and under Xvfb (the e2e
//! tests press it with `xdotool key`). A grab another app holds fails with
//! a clear error.
//!
//! [`parse`] reads `Ctrl+Alt+A`-style text (pure, unit-tested).

use std::sync::{Arc, Mutex};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, GrabMode, Keycode, ModMask};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

/// A parsed shortcut: X modifier bits and a keysym.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combo {
    /// Control, Shift, Mod1 (Alt), Mod4 (Super) bits.
    pub mods: u16,
    pub keysym: u32,
}

const SHIFT: u16 = 1;
const CONTROL: u16 = 1 << 2;
const ALT: u16 = 1 << 3;
const SUPER: u16 = 1 << 6;
/// Caps Lock and Num Lock: grabbed in every combination, so that the
/// shortcut works whatever their state.
const LOCKS: [u16; 4] = [0, 1 << 1, 1 << 4, (1 << 1) | (1 << 4)];

/// Reads `Ctrl+Alt+A`, `Super+Space`, `Ctrl+Shift+F5`… (any case). It
/// needs Ctrl, Alt or Super: a global shortcut without one would take a
/// key from every other app.
pub fn parse(text: &str) -> Result<Combo, String> {
    let t = text.trim();
    let mut mods = 0u16;
    let mut key = None;
    for part in t.split('+').map(str::trim) {
        match part.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => mods |= CONTROL,
            "alt" => mods |= ALT,
            "shift" => mods |= SHIFT,
            "super" | "win" | "meta" | "cmd" => mods |= SUPER,
            "" => return Err(format!("{t:?} is not a shortcut")),
            k if key.is_none() => {
                key = Some(keysym(k).ok_or_else(|| format!("{part:?} is not a key"))?)
            }
            _ => return Err(format!("{t:?} has more than one key")),
        }
    }
    let keysym = key.ok_or_else(|| format!("{t:?} has no key"))?;
    if mods & (CONTROL | ALT | SUPER) == 0 {
        return Err(format!("{t:?} needs Ctrl, Alt or Super"));
    }
    Ok(Combo { mods, keysym })
}

/// The X keysym of a key name: letters, digits, F1–F12, Space.
fn keysym(k: &str) -> Option<u32> {
    let b = k.as_bytes();
    match (b.len(), k) {
        (1, _) if b[0].is_ascii_alphabetic() => Some(u32::from(b[0].to_ascii_lowercase())),
        (1, _) if b[0].is_ascii_digit() => Some(u32::from(b[0])),
        (_, "space") => Some(0x20),
        _ => {
            let n: u32 = k.strip_prefix('f')?.parse().ok()?;
            (1..=12).contains(&n).then_some(0xffbe + n - 1)
        }
    }
}

type Handler = Arc<dyn Fn() + Send + Sync>;

/// The X connection holding the grab, and what a press does.
pub struct Hotkeys {
    conn: Arc<RustConnection>,
    root: u32,
    current: Arc<Mutex<Option<(Keycode, u16)>>>,
}

impl Hotkeys {
    /// Connects to the X display and starts the thread that waits for
    /// presses of the grabbed key (calling `on_press`).
    pub fn start(on_press: impl Fn() + Send + Sync + 'static) -> Result<Hotkeys, String> {
        let (conn, screen) = x11rb::connect(None)
            .map_err(|e| format!("no X display for a global shortcut ({e})"))?;
        let root = conn.setup().roots[screen].root;
        let conn = Arc::new(conn);
        let current: Arc<Mutex<Option<(Keycode, u16)>>> = Arc::new(Mutex::new(None));
        let handler: Handler = Arc::new(on_press);
        let (c, cur) = (Arc::clone(&conn), Arc::clone(&current));
        std::thread::spawn(move || {
            while let Ok(ev) = c.wait_for_event() {
                if let Event::KeyPress(e) = ev {
                    let want = *cur.lock().unwrap_or_else(|p| p.into_inner());
                    let pressed = u16::from(e.state) & (SHIFT | CONTROL | ALT | SUPER);
                    if want == Some((e.detail, pressed)) {
                        handler();
                    }
                }
            }
        });
        Ok(Hotkeys {
            conn,
            root,
            current,
        })
    }

    fn keycode(&self, keysym: u32) -> Result<Keycode, String> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let cookie = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)
            .map_err(|e| e.to_string())?;
        let map = cookie.reply().map_err(|e| e.to_string())?;
        let per = usize::from(map.keysyms_per_keycode.max(1));
        map.keysyms
            .chunks(per)
            .position(|syms| syms.contains(&keysym))
            .map(|i| min + i as u8)
            .ok_or_else(|| "that key is not on this keyboard".to_string())
    }

    /// Grabs `combo` (releasing the previous grab); `None` releases only.
    pub fn set(&self, combo: Option<Combo>) -> Result<(), String> {
        let mut cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((code, mods)) = cur.take() {
            for l in LOCKS {
                let _ = self
                    .conn
                    .ungrab_key(code, self.root, ModMask::from(mods | l));
            }
            let _ = self.conn.flush();
        }
        let Some(combo) = combo else { return Ok(()) };
        let code = self.keycode(combo.keysym)?;
        for l in LOCKS {
            let grab = self
                .conn
                .grab_key(
                    true,
                    self.root,
                    ModMask::from(combo.mods | l),
                    code,
                    GrabMode::ASYNC,
                    GrabMode::ASYNC,
                )
                .map_err(|e| e.to_string())?;
            if grab.check().is_err() {
                for l in LOCKS {
                    let _ = self
                        .conn
                        .ungrab_key(code, self.root, ModMask::from(combo.mods | l));
                }
                let _ = self.conn.flush();
                return Err("another application already uses it".into());
            }
        }
        *cur = Some((code, combo.mods));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_read_and_need_a_modifier() {
        assert_eq!(
            parse("Ctrl+Alt+A"),
            Ok(Combo {
                mods: CONTROL | ALT,
                keysym: 0x61
            })
        );
        assert_eq!(
            parse(" super + space "),
            Ok(Combo {
                mods: SUPER,
                keysym: 0x20
            })
        );
        assert_eq!(
            parse("Ctrl+Shift+F5"),
            Ok(Combo {
                mods: CONTROL | SHIFT,
                keysym: 0xffc2
            })
        );
        assert_eq!(
            parse("alt+7"),
            Ok(Combo {
                mods: ALT,
                keysym: 0x37
            })
        );
        assert!(parse("Shift+A").unwrap_err().contains("needs Ctrl"));
        assert!(parse("A").is_err());
        assert!(parse("Ctrl+Nope").unwrap_err().contains("not a key"));
        assert!(parse("Ctrl+A+B").unwrap_err().contains("more than one key"));
        assert!(parse("Ctrl+").is_err());
        assert!(parse("Ctrl+F13").is_err());
        assert!(parse("").is_err());
    }
}
