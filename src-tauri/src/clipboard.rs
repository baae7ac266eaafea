//! The system clipboard, from Rust only (the web view has no clipboard
//! permission). A copied code is cleared after the configured delay, and
//! only if the clipboard still holds that code: something the person copied
//! since is left alone. A later copy cancels the earlier clearing. Locking
//! the vault and quitting clear it at once, on the same condition
//! ([`ClipboardGuard::clear_if_ours`]). On Linux
//! the copy is marked `x-kde-passwordManagerHint: secret`, which clipboard
//! managers (Klipper, GPaste, CopyQ…) read as "do not keep in history".

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{AppError, AppResult};

/// Owns the clipboard connection (on X11 the owner must stay alive for the
/// copied text to stay pasteable).
pub struct ClipboardGuard {
    inner: Mutex<Option<arboard::Clipboard>>,
    generation: AtomicU64,
    /// What we put there last (until cleared).
    last: Mutex<Option<Zeroizing<String>>>,
}

impl Default for ClipboardGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl ClipboardGuard {
    pub fn new() -> Self {
        ClipboardGuard {
            inner: Mutex::new(None),
            generation: AtomicU64::new(0),
            last: Mutex::new(None),
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
    ) -> AppResult<T> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(arboard::Clipboard::new().map_err(|e| {
                AppError::Clipboard(format!("The clipboard cannot be reached: {e}."))
            })?);
        }
        let cb = guard.as_mut().expect("set above");
        f(cb).map_err(|e| AppError::Clipboard(format!("The clipboard refused: {e}.")))
    }

    /// Puts `text` on the clipboard; clears it after `clear_after` unless
    /// it changed meanwhile (`None`: never cleared).
    pub fn copy(
        self: &Arc<Self>,
        text: Zeroizing<String>,
        clear_after: Option<Duration>,
    ) -> AppResult<()> {
        self.with(|cb| set_secret_text(cb, text.as_str()))?;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
        if let Some(delay) = clear_after {
            let me = Arc::clone(self);
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                me.clear_if_still(generation, &text);
            });
        }
        Ok(())
    }

    fn clear_if_still(&self, generation: u64, text: &str) {
        if self.generation.load(Ordering::SeqCst) != generation {
            return; // a later copy owns the clipboard now
        }
        self.clear_if_holds(text);
    }

    /// Clears the clipboard now if it still holds what we copied last (the
    /// vault is being locked, or the app quits); a pending timed clearing
    /// is cancelled. Without a copy of ours it does not touch the
    /// clipboard at all.
    pub fn clear_if_ours(&self) {
        let Some(text) = self.last.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return;
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.clear_if_holds(&text);
    }

    fn clear_if_holds(&self, text: &str) {
        let _ = self.with(|cb| {
            let current = Zeroizing::new(cb.get_text().unwrap_or_default());
            if current.as_str() == text {
                cb.clear()?;
            }
            Ok(())
        });
    }

    /// An image on the clipboard, as RGBA.
    pub fn image(&self) -> AppResult<image::RgbaImage> {
        let data = self.with(|cb| cb.get_image()).map_err(|_| {
            AppError::Clipboard(
                "The clipboard holds no image. Copy a screenshot or a QR code image first.".into(),
            )
        })?;
        image::RgbaImage::from_raw(
            data.width as u32,
            data.height as u32,
            data.bytes.into_owned(),
        )
        .ok_or_else(|| AppError::Clipboard("The clipboard image could not be read.".into()))
    }
}

/// Sets text that clipboard managers are asked not to keep.
#[cfg(target_os = "linux")]
fn set_secret_text(cb: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux;
    cb.set().exclude_from_history().text(text)
}

#[cfg(not(target_os = "linux"))]
fn set_secret_text(cb: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    cb.set_text(text)
}
