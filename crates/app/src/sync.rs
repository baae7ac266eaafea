//! Automatic sync through a folder, as a front end runs it: what the
//! status is, when to sync, and which file-system events matter. The merge
//! and the folder's files are `apiq_vault`'s (`Vault::sync` and friends);
//! the watcher and the thread that runs the syncs belong to the front end
//! (the window's is `src-tauri/src/desktop/sync.rs`). Times are Unix
//! milliseconds passed in; only [`host_name`] looks at the machine.
//!
//! ## When a sync runs ([`Schedule`])
//!
//! | trigger                               | sync                                        |
//! |---------------------------------------|---------------------------------------------|
//! | unlock, "Sync now", syncing started   | at once                                     |
//! | a change made here, a folder event    | after [`QUIET_MS`] without another one,     |
//! |                                       | at the latest [`MAX_WAIT_MS`] after the first |
//! | the last sync failed                  | again after 10 s, 20 s, 40 s … at most 5 min |
//! | the folder is not watched             | every [`POLL_MS`]                           |
//! | nothing happened                      | every [`IDLE_MS`] (a missed event)          |
//!
//! ## Which folder events count ([`event_matters`])
//!
//! Another device's file (`apiq-*.apiq`, conflict copies included) created,
//! written or renamed into place; anything that happens to the folder
//! itself (removed, moved, its permissions changed: the status must say
//! so). Not: this device's own file (our own writes), temporaries, files
//! removed (a removal brings nothing new; ours of merged conflict copies
//! least of all), reads (a sync reads every file: counting reads would
//! sync forever).
//!
//! ## What the status says ([`SyncStatus`])
//!
//! `off` (no folder, or locked), `syncing`, `synced` (with the time), or
//! `problem` with the reason in a sentence: the folder cannot be read, a
//! file in it was skipped (another vault's, damaged, from a newer Apiq).
//! A problem is kept while the next attempt runs, so it does not flicker.

use std::path::{Path, PathBuf};

use apiq_vault::{DeviceInfo, SyncReport};

/// Quiet time after a change or a folder event before syncing.
pub const QUIET_MS: u64 = 1_000;
/// A stream of changes still syncs this long after the first one.
pub const MAX_WAIT_MS: u64 = 5_000;
/// The first retry after a failed sync; doubled each time, at most
/// [`MAX_RETRY_MS`].
pub const RETRY_MS: u64 = 10_000;
pub const MAX_RETRY_MS: u64 = 300_000;
/// How often the folder is looked at when it cannot be watched.
pub const POLL_MS: u64 = 30_000;
/// How often the folder is looked at anyway (an event may be missed: a
/// network share, a folder replaced under the watcher).
pub const IDLE_MS: u64 = 300_000;

/// Why a sync is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The vault was unlocked (or created by joining).
    Unlock,
    /// The person asked ("Sync now"), or syncing was just started.
    Manual,
    /// The vault changed here.
    Change,
    /// Something happened in the sync folder.
    Folder,
}

impl Trigger {
    fn immediate(self) -> bool {
        matches!(self, Trigger::Unlock | Trigger::Manual)
    }
}

/// When the next sync is due (see the module doc's table).
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// The first and the last debounced trigger since the last sync.
    first: Option<u64>,
    last: Option<u64>,
    now: bool,
    /// The retry or the periodic look.
    later: Option<u64>,
    failures: u32,
}

impl Schedule {
    pub fn note(&mut self, trigger: Trigger, now: u64) {
        if trigger.immediate() {
            self.now = true;
        } else {
            self.first.get_or_insert(now);
            self.last = Some(now);
        }
    }

    /// When the next sync is due (`None`: nothing planned, wait for a
    /// trigger).
    pub fn due_at(&self) -> Option<u64> {
        let debounced = match (self.first, self.last) {
            (Some(f), Some(l)) => Some((l + QUIET_MS).min(f + MAX_WAIT_MS)),
            _ => None,
        };
        let now = self.now.then_some(0);
        [now, debounced, self.later].into_iter().flatten().min()
    }

    /// Whether a sync is due at `now`; if so, what was waiting is taken
    /// (the sync about to run covers it).
    pub fn take(&mut self, now: u64) -> bool {
        if self.due_at().is_none_or(|t| t > now) {
            return false;
        }
        self.first = None;
        self.last = None;
        self.now = false;
        self.later = None;
        true
    }

    /// After a sync: plans the retry (failed) or the next periodic look
    /// (`watching`: whether the folder is watched).
    pub fn after(&mut self, ok: bool, watching: bool, now: u64) {
        if ok {
            self.failures = 0;
            self.later = Some(now + if watching { IDLE_MS } else { POLL_MS });
        } else {
            let backoff = RETRY_MS.saturating_mul(1 << self.failures.min(8));
            self.failures += 1;
            self.later = Some(now + backoff.min(MAX_RETRY_MS));
        }
    }

    /// Forgets everything planned (the vault was locked, syncing stopped).
    pub fn clear(&mut self) {
        *self = Schedule::default();
    }
}

/// What happened to a path in the folder, as a watcher reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderEvent {
    Created,
    /// Written (or closed after writing).
    Written,
    /// Renamed (from or to).
    Renamed,
    Removed,
    /// Permissions, times.
    Metadata,
    /// Opened or read.
    Read,
    /// The watcher could not say.
    Other,
}

/// A device file's name: `apiq-DEVICE.apiq`, or a conflict copy of one.
pub fn is_device_file(name: &str) -> bool {
    name.starts_with("apiq-") && name.ends_with(".apiq")
}

/// This device's own file's name in the folder (`device`: its id in hex).
pub fn own_file_name(device: &str) -> String {
    format!("apiq-{device}.apiq")
}

/// Whether an event on `paths` in `folder` calls for a sync (the module
/// doc's rules); `own` is this device's own file's name.
pub fn event_matters(folder: &Path, own: &str, kind: FolderEvent, paths: &[PathBuf]) -> bool {
    if kind == FolderEvent::Read {
        return false;
    }
    paths.iter().any(|p| {
        if p == folder {
            return true;
        }
        if p.parent() != Some(folder) {
            return false;
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        is_device_file(&name)
            && name != own
            && matches!(
                kind,
                FolderEvent::Created
                    | FolderEvent::Written
                    | FolderEvent::Renamed
                    | FolderEvent::Other
            )
    })
}

/// Where syncing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// No sync folder (or the vault is locked).
    Off,
    Syncing,
    Synced,
    Problem,
}

/// The status a front end shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    pub state: SyncState,
    pub folder: Option<PathBuf>,
    /// When the last sync that reached the folder ended (Unix ms).
    pub last_sync_ms: Option<u64>,
    /// What is wrong, in a sentence (kept while the next attempt runs).
    pub problem: Option<String>,
    /// Another device changed the vault's password (which re-keys the
    /// data): this device needs the new password once to keep syncing.
    pub needs_new_password: bool,
}

impl Default for SyncStatus {
    fn default() -> Self {
        SyncStatus::off()
    }
}

impl SyncStatus {
    pub fn off() -> Self {
        SyncStatus {
            state: SyncState::Off,
            folder: None,
            last_sync_ms: None,
            problem: None,
            needs_new_password: false,
        }
    }

    /// A sync into `folder` begins. The time of the last one stays when the
    /// folder is the same.
    pub fn begin(&mut self, folder: &Path) {
        if self.folder.as_deref() != Some(folder) {
            *self = SyncStatus::off();
            self.folder = Some(folder.to_path_buf());
        }
        self.state = SyncState::Syncing;
    }

    /// The sync ended: synced (or a problem when files were skipped), or
    /// failed with `error` (a sentence).
    pub fn finish(&mut self, outcome: Result<&SyncReport, &str>, now: u64) {
        match outcome {
            Ok(r) => {
                self.last_sync_ms = Some(now);
                self.needs_new_password = r.needs_new_password;
                self.problem = if r.needs_new_password {
                    Some(NEEDS_NEW_PASSWORD.into())
                } else {
                    skipped_problem(&r.warnings)
                };
                self.state = if self.problem.is_some() {
                    SyncState::Problem
                } else {
                    SyncState::Synced
                };
            }
            Err(e) => {
                self.state = SyncState::Problem;
                self.problem = Some(e.to_string());
            }
        }
    }
}

/// The problem said when another device changed the vault's password.
pub const NEEDS_NEW_PASSWORD: &str =
    "The vault's password was changed on another device. Enter the new password to keep syncing.";

/// Skipped files as one sentence (`None` when none was).
fn skipped_problem(warnings: &[String]) -> Option<String> {
    let first = warnings.first()?;
    let first = first.strip_prefix("skipped ").unwrap_or(first);
    Some(match warnings.len() {
        1 => format!("A file in the sync folder was skipped: {first}."),
        n => format!("{n} files in the sync folder were skipped; the first: {first}."),
    })
}

/// A device as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLine {
    pub name: String,
    pub id: String,
    pub this: bool,
    /// When it last wrote its file (Unix ms; 0 when unknown).
    pub written_ms: u64,
    pub entries: usize,
    /// Why its file is skipped, if it is.
    pub problem: Option<String>,
    /// The file's name in the folder.
    pub file: String,
}

/// The devices seen in the folder, this device first, then the newest.
pub fn device_lines(devices: &[DeviceInfo]) -> Vec<DeviceLine> {
    let mut out: Vec<DeviceLine> = devices
        .iter()
        .map(|d| DeviceLine {
            name: if d.name.is_empty() && d.problem.is_none() {
                "(unnamed)".into()
            } else {
                d.name.clone()
            },
            id: d.id.clone(),
            this: d.this,
            written_ms: d.written_ms,
            entries: d.entries,
            problem: d.problem.clone(),
            file: d
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.this
            .cmp(&a.this)
            .then(b.written_ms.cmp(&a.written_ms))
            .then(a.file.cmp(&b.file))
    });
    out
}

/// This machine's name for other devices: `/etc/hostname`, `$HOSTNAME`,
/// else "this device".
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this device".into())
}

/// A device name typed by the person: trimmed, at most 64 characters, the
/// host name when empty.
pub fn device_name(typed: Option<&str>) -> String {
    let t: String = typed.unwrap_or("").trim().chars().take(64).collect();
    if t.is_empty() {
        host_name()
    } else {
        t
    }
}

/// A folder path typed or chosen by the person: trimmed, `~/` expanded
/// with `home`; `None` when empty or relative (the window has no working
/// folder a person could mean).
pub fn folder_path(typed: &str, home: Option<&Path>) -> Option<PathBuf> {
    let t = typed.trim();
    let p = match (t.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ if t == "~" => home?.to_path_buf(),
        _ => PathBuf::from(t),
    };
    (!t.is_empty() && p.is_absolute()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immediate_triggers_are_due_at_once() {
        for t in [Trigger::Unlock, Trigger::Manual] {
            let mut s = Schedule::default();
            assert_eq!(s.due_at(), None);
            s.note(t, 5_000);
            assert!(s.take(5_000));
            assert!(!s.take(5_000), "taken once");
            assert_eq!(s.due_at(), None);
        }
    }

    #[test]
    fn changes_are_debounced_and_capped() {
        let mut s = Schedule::default();
        s.note(Trigger::Change, 10_000);
        assert_eq!(s.due_at(), Some(10_000 + QUIET_MS));
        assert!(!s.take(10_500));
        // Another change in the quiet time pushes it on …
        s.note(Trigger::Folder, 10_800);
        assert_eq!(s.due_at(), Some(10_800 + QUIET_MS));
        // … but never past MAX_WAIT_MS after the first.
        for t in (11_000..20_000).step_by(500) {
            s.note(Trigger::Change, t);
        }
        assert_eq!(s.due_at(), Some(10_000 + MAX_WAIT_MS));
        assert!(s.take(10_000 + MAX_WAIT_MS));
        assert_eq!(s.due_at(), None);
    }

    #[test]
    fn failures_back_off_and_a_success_plans_the_periodic_look() {
        let mut s = Schedule::default();
        s.after(false, true, 0);
        assert_eq!(s.due_at(), Some(RETRY_MS));
        assert!(s.take(RETRY_MS));
        s.after(false, true, RETRY_MS);
        assert_eq!(s.due_at(), Some(3 * RETRY_MS));
        for _ in 0..20 {
            s.after(false, true, 0);
        }
        assert_eq!(s.due_at(), Some(MAX_RETRY_MS), "capped");
        s.after(true, true, 0);
        assert_eq!(s.due_at(), Some(IDLE_MS));
        s.after(true, false, 0);
        assert_eq!(s.due_at(), Some(POLL_MS), "polled when not watched");
        // A change still syncs soon.
        s.note(Trigger::Change, 100);
        assert_eq!(s.due_at(), Some(100 + QUIET_MS));
        s.clear();
        assert_eq!(s.due_at(), None);
    }

    #[test]
    fn which_folder_events_matter() {
        let folder = Path::new("/sync");
        let own = own_file_name("00112233aabbccdd");
        let other = folder.join("apiq-ffeeddccbbaa9988.apiq");
        let conflict = folder.join("apiq-ffeeddccbbaa9988.sync-conflict-20260101-120000-ABC.apiq");
        use FolderEvent::*;
        let cases: &[(FolderEvent, PathBuf, bool)] = &[
            (Created, other.clone(), true),
            (Written, other.clone(), true),
            (Renamed, other.clone(), true),
            (Other, other.clone(), true),
            (Written, conflict.clone(), true),
            // Removals, reads and metadata of files bring nothing new.
            (Removed, other.clone(), false),
            (Removed, conflict.clone(), false),
            (Read, other.clone(), false),
            (Metadata, other.clone(), false),
            // Our own writes.
            (Written, folder.join(&own), false),
            (Renamed, folder.join(&own), false),
            (Created, folder.join(format!(".{own}.tmp-1-2")), false),
            // Other files, files in subfolders.
            (Written, folder.join("notes.txt"), false),
            (
                Written,
                folder.join("sub/apiq-ffeeddccbbaa9988.apiq"),
                false,
            ),
            // The folder itself: removed, moved, made unreadable.
            (Removed, folder.to_path_buf(), true),
            (Renamed, folder.to_path_buf(), true),
            (Metadata, folder.to_path_buf(), true),
            (Read, folder.to_path_buf(), false),
        ];
        for (kind, path, want) in cases {
            assert_eq!(
                event_matters(folder, &own, *kind, std::slice::from_ref(path)),
                *want,
                "{kind:?} {}",
                path.display()
            );
        }
        // A rename carries both names: one that matters is enough.
        assert!(event_matters(
            folder,
            &own,
            Renamed,
            &[folder.join(".syncthing.tmp"), other]
        ));
    }

    fn report(warnings: &[&str]) -> SyncReport {
        SyncReport {
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
            ..SyncReport::default()
        }
    }

    #[test]
    fn the_status_follows_the_syncs() {
        let folder = Path::new("/sync");
        let mut st = SyncStatus::off();
        st.begin(folder);
        assert_eq!(st.state, SyncState::Syncing);
        assert_eq!(st.folder.as_deref(), Some(folder));
        st.finish(Ok(&report(&[])), 1_000);
        assert_eq!(
            (st.state, st.last_sync_ms, st.problem.as_deref()),
            (SyncState::Synced, Some(1_000), None)
        );
        // A failure keeps the last good time and says why …
        st.begin(folder);
        st.finish(Err("the sync folder /sync does not exist"), 2_000);
        assert_eq!(st.state, SyncState::Problem);
        assert_eq!(st.last_sync_ms, Some(1_000));
        assert!(st.problem.as_deref().unwrap().contains("does not exist"));
        // … and the reason stays while the next attempt runs.
        st.begin(folder);
        assert_eq!(st.state, SyncState::Syncing);
        assert!(st.problem.is_some());
        // Skipped files are a problem, though the sync happened.
        st.finish(
            Ok(&report(&[
                "skipped /sync/apiq-1.apiq: it belongs to another vault",
            ])),
            3_000,
        );
        assert_eq!(st.state, SyncState::Problem);
        assert_eq!(st.last_sync_ms, Some(3_000));
        assert_eq!(
            st.problem.as_deref(),
            Some("A file in the sync folder was skipped: /sync/apiq-1.apiq: it belongs to another vault.")
        );
        st.finish(Ok(&report(&["skipped a: x", "skipped b: y"])), 4_000);
        assert!(st.problem.as_deref().unwrap().starts_with("2 files"));
        st.finish(Ok(&report(&[])), 5_000);
        assert_eq!((st.state, st.problem.as_deref()), (SyncState::Synced, None));
        // Another device changed the password: the status says what to do.
        let rekeyed = SyncReport {
            needs_new_password: true,
            ..report(&["skipped /sync/apiq-2.apiq: it does not authenticate"])
        };
        st.finish(Ok(&rekeyed), 6_000);
        assert!(st.needs_new_password && st.state == SyncState::Problem);
        assert_eq!(st.problem.as_deref(), Some(NEEDS_NEW_PASSWORD));
        st.finish(Ok(&report(&[])), 7_000);
        assert!(!st.needs_new_password);
        // Another folder starts afresh.
        st.begin(Path::new("/elsewhere"));
        assert_eq!(st.last_sync_ms, None);
    }

    #[test]
    fn devices_are_listed_this_one_first_then_the_newest() {
        let d = |name: &str, this: bool, ms: u64, problem: Option<&str>| DeviceInfo {
            file: PathBuf::from(format!("/sync/apiq-{name}.apiq")),
            id: if problem.is_some() {
                String::new()
            } else {
                name.into()
            },
            name: if problem.is_some() {
                String::new()
            } else {
                name.into()
            },
            written_ms: ms,
            entries: 1,
            this,
            problem: problem.map(str::to_string),
        };
        let lines = device_lines(&[
            d("old", false, 1, None),
            d("new", false, 9, None),
            d("bad", false, 0, Some("damaged")),
            d("me", true, 5, None),
        ]);
        let names: Vec<&str> = lines.iter().map(|l| l.file.as_str()).collect();
        assert_eq!(
            names,
            [
                "apiq-me.apiq",
                "apiq-new.apiq",
                "apiq-old.apiq",
                "apiq-bad.apiq"
            ]
        );
        assert_eq!(lines[3].problem.as_deref(), Some("damaged"));
    }

    #[test]
    fn typed_names_and_folders() {
        assert_eq!(device_name(Some("  laptop ")), "laptop");
        assert_eq!(device_name(Some(&"x".repeat(100))).len(), 64);
        assert!(!device_name(Some("  ")).is_empty());
        assert!(!device_name(None).is_empty());
        let home = Path::new("/home/me");
        assert_eq!(
            folder_path(" ~/Sync/apiq ", Some(home)),
            Some(PathBuf::from("/home/me/Sync/apiq"))
        );
        assert_eq!(folder_path("/srv/x", None), Some(PathBuf::from("/srv/x")));
        assert_eq!(folder_path("relative/x", Some(home)), None);
        assert_eq!(folder_path("   ", Some(home)), None);
        assert_eq!(folder_path("~/x", None), None);
    }
}
