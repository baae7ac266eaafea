//! Automatic sync through a folder, in the window: one background thread
//! runs every sync, in order, so none ever runs on the UI thread or two at
//! once. The policy (when, which folder events, what the status says) is
//! `apiq_app::sync`'s; this module wires it to the vault in
//! [`AppState`], a `notify` watcher on the folder and the window's events:
//!
//! - `sync-status` ([`SyncView`]) on every change of the status;
//! - `vault-changed` when a sync brought something into the vault (the
//!   code list reloads);
//! - `sync-folder-picked` (a path, or `null`) when the native folder
//!   dialog closes.
//!
//! Triggers: [`SyncHandle::changed`] (from `AppState::with_vault`, when a
//! command changed the vault), [`SyncHandle::kick`] (unlock, "Sync now",
//! syncing started), the watcher. Locking or stopping ([`SyncHandle::stop`])
//! drops the watcher and plans nothing. A failed sync changes nothing
//! (the vault's own guarantee) and becomes the status's problem, retried
//! with a backoff.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use apiq_app::sync::{self as policy, FolderEvent, Schedule, SyncStatus, Trigger};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};
use tauri::{AppHandle, Emitter, Manager};

use super::dto::{SyncState, SyncView};
use crate::error::AppError;
use crate::state::{lock, now_ms, AppState};

/// The event carrying a new [`SyncView`].
pub const EVENT_STATUS: &str = "sync-status";
/// The event telling the window that a sync changed the vault.
pub const EVENT_CHANGED: &str = "vault-changed";
/// The event carrying the folder chosen in the native dialog.
pub const EVENT_PICKED: &str = "sync-folder-picked";

enum Msg {
    Kick(Trigger),
    Folder(notify::Result<notify::Event>),
    Stop,
}

/// The sync thread's mailbox and the status it keeps (in [`AppState`]).
pub struct SyncHandle {
    tx: Sender<Msg>,
    rx: Mutex<Option<Receiver<Msg>>>,
    /// The status and its number (bumped on every change, so the window
    /// keeps the newest of an event and a command's late reply).
    status: Mutex<(SyncStatus, u64)>,
    device_name: Mutex<String>,
}

impl Default for SyncHandle {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        SyncHandle {
            tx,
            rx: Mutex::new(Some(rx)),
            status: Mutex::new((SyncStatus::off(), 0)),
            device_name: Mutex::new(String::new()),
        }
    }
}

impl SyncHandle {
    /// Asks for a sync (when it runs: `apiq_app::sync::Schedule`).
    pub fn kick(&self, trigger: Trigger) {
        let _ = self.tx.send(Msg::Kick(trigger));
    }

    /// The vault changed here.
    pub fn changed(&self) {
        self.kick(Trigger::Change);
    }

    /// No more syncing for now (locked, or syncing stopped): the status is
    /// off at once, the watcher goes.
    pub fn stop(&self) {
        self.update(|s| *s = SyncStatus::off());
        let _ = self.tx.send(Msg::Stop);
    }

    /// Syncing into `folder` was just started (the first sync is done;
    /// the thread's next one says how it stands).
    pub fn starting(&self, folder: &Path) {
        self.update(|s| s.begin(folder));
        self.kick(Trigger::Manual);
    }

    /// Changes the status (and its number).
    fn update(&self, f: impl FnOnce(&mut SyncStatus)) {
        let mut g = lock(&self.status);
        f(&mut g.0);
        g.1 += 1;
    }

    pub fn set_device_name(&self, name: &str) {
        *lock(&self.device_name) = name.to_string();
    }

    /// The status as the window shows it.
    pub fn view(&self) -> SyncView {
        let (s, seq) = lock(&self.status).clone();
        SyncView {
            state: match s.state {
                policy::SyncState::Off => SyncState::Off,
                policy::SyncState::Syncing => SyncState::Syncing,
                policy::SyncState::Synced => SyncState::Synced,
                policy::SyncState::Problem => SyncState::Problem,
            },
            folder: s.folder.map(|f| f.display().to_string()),
            device_name: lock(&self.device_name).clone(),
            default_name: policy::host_name(),
            last_sync_ms: s.last_sync_ms,
            problem: s.problem,
            needs_new_password: s.needs_new_password,
            seq,
        }
    }
}

/// Starts the sync thread (once, from the app's setup).
pub fn start(app: &AppHandle) {
    let st = app.state::<AppState>();
    let Some(rx) = lock(&st.sync.rx).take() else {
        return;
    };
    let worker = SyncWorker {
        app: app.clone(),
        tx: st.sync.tx.clone(),
        schedule: Schedule::default(),
        watcher: None,
        own: String::new(),
    };
    std::thread::Builder::new()
        .name("apiq-sync".into())
        .spawn(move || worker.run(rx))
        .expect("start the sync thread");
}

struct SyncWorker {
    app: AppHandle,
    tx: Sender<Msg>,
    schedule: Schedule,
    /// The folder watched, and its watcher.
    watcher: Option<(PathBuf, notify::RecommendedWatcher)>,
    /// This device's own file's name (its events are our own writes).
    own: String,
}

impl SyncWorker {
    fn run(mut self, rx: Receiver<Msg>) {
        loop {
            let msg = match self.schedule.due_at() {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(t) => rx.recv_timeout(Duration::from_millis(t.saturating_sub(now_ms()))),
            };
            match msg {
                Ok(Msg::Kick(t)) => self.schedule.note(t, now_ms()),
                Ok(Msg::Folder(Ok(ev))) => {
                    let watched = self.watcher.as_ref().map(|(f, _)| f.as_path());
                    if watched.is_some_and(|f| {
                        policy::event_matters(f, &self.own, kind_of(&ev.kind), &ev.paths)
                    }) {
                        self.schedule.note(Trigger::Folder, now_ms());
                    }
                }
                // The watcher is in trouble: look at the folder (the sync
                // sets a new watcher up).
                Ok(Msg::Folder(Err(_))) => {
                    self.watcher = None;
                    self.schedule.note(Trigger::Folder, now_ms());
                }
                Ok(Msg::Stop) => {
                    self.schedule.clear();
                    self.watcher = None;
                    self.emit_status();
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if self.schedule.take(now_ms()) {
                self.sync_once();
            }
        }
    }

    fn emit_status(&self) {
        let view = self.app.state::<AppState>().sync.view();
        let _ = self.app.emit(EVENT_STATUS, view);
    }

    fn set_status(&self, f: impl FnOnce(&mut SyncStatus)) {
        self.app.state::<AppState>().sync.update(f);
        self.emit_status();
    }

    /// One sync of the open vault with its folder (nothing when locked or
    /// not syncing).
    fn sync_once(&mut self) {
        let app = self.app.clone();
        let st = app.state::<AppState>();
        let mut guard = lock(&st.vault);
        let Some(vault) = guard.as_mut() else {
            drop(guard);
            self.off();
            return;
        };
        let Some(folder) = vault.sync_folder() else {
            drop(guard);
            self.off();
            return;
        };
        self.own = policy::own_file_name(&vault.device_id());
        st.sync.set_device_name(vault.device_name());
        self.set_status(|s| s.begin(&folder));
        let result = vault.sync(None);
        drop(guard);
        let now = now_ms();
        match result {
            Ok(report) => {
                let watching = self.watch(&folder);
                self.schedule.after(true, watching, now);
                self.set_status(|s| s.finish(Ok(&report), now));
                if report.saved {
                    let _ = app.emit(EVENT_CHANGED, ());
                }
            }
            Err(e) => {
                // Watched again once the folder is back.
                self.watcher = None;
                self.schedule.after(false, false, now);
                let why = AppError::from(e).to_string();
                self.set_status(|s| s.finish(Err(&why), now));
            }
        }
    }

    fn off(&mut self) {
        self.watcher = None;
        self.set_status(|s| *s = SyncStatus::off());
    }

    /// Watches `folder` (kept when it already is); whether it is watched.
    fn watch(&mut self, folder: &Path) -> bool {
        if self.watcher.as_ref().is_some_and(|(f, _)| f == folder) {
            return true;
        }
        self.watcher = None;
        let tx = self.tx.clone();
        let made = notify::recommended_watcher(move |ev| {
            let _ = tx.send(Msg::Folder(ev));
        })
        .and_then(|mut w| w.watch(folder, RecursiveMode::NonRecursive).map(|()| w));
        match made {
            Ok(w) => {
                self.watcher = Some((folder.to_path_buf(), w));
                true
            }
            Err(e) => {
                // Polled instead (the schedule's POLL_MS).
                eprintln!("cannot watch the sync folder {}: {e}", folder.display());
                false
            }
        }
    }
}

/// A watcher's event kind in the policy's words.
fn kind_of(k: &EventKind) -> FolderEvent {
    match k {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => FolderEvent::Written,
        EventKind::Access(_) => FolderEvent::Read,
        EventKind::Create(_) => FolderEvent::Created,
        EventKind::Modify(ModifyKind::Name(_)) => FolderEvent::Renamed,
        EventKind::Modify(ModifyKind::Metadata(_)) => FolderEvent::Metadata,
        EventKind::Modify(_) => FolderEvent::Written,
        EventKind::Remove(_) => FolderEvent::Removed,
        EventKind::Any | EventKind::Other => FolderEvent::Other,
    }
}

/// Opens the native folder dialog; the choice arrives as the
/// `sync-folder-picked` event (the request does not wait for the modal
/// dialog, as in `crate::savefile`).
pub fn pick_folder(app: AppHandle) {
    use tauri_plugin_dialog::DialogExt;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let handle = app.clone();
        app.dialog()
            .file()
            .set_title("Choose the sync folder")
            .pick_folder(move |picked| {
                let path = picked
                    .and_then(|p| p.into_path().ok())
                    .map(|p| p.display().to_string());
                let _ = handle.emit(EVENT_PICKED, path);
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};

    #[test]
    fn watcher_events_map_to_the_policys_kinds() {
        let cases = [
            (EventKind::Create(CreateKind::File), FolderEvent::Created),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                FolderEvent::Written,
            ),
            (
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                FolderEvent::Read,
            ),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Content)),
                FolderEvent::Written,
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                FolderEvent::Renamed,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
                FolderEvent::Metadata,
            ),
            (EventKind::Remove(RemoveKind::Folder), FolderEvent::Removed),
            (EventKind::Any, FolderEvent::Other),
        ];
        for (k, want) in cases {
            assert_eq!(kind_of(&k), want, "{k:?}");
        }
    }

    #[test]
    fn stopping_turns_the_status_off_at_once() {
        let h = SyncHandle::default();
        h.update(|s| s.begin(Path::new("/sync")));
        let before = h.view();
        assert_eq!(before.state, SyncState::Syncing);
        h.stop();
        let v = h.view();
        assert_eq!((v.state, v.folder), (SyncState::Off, None));
        assert!(v.seq > before.seq, "every change has a newer number");
        assert!(!v.default_name.is_empty());
    }
}
