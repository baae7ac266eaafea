//! The native "Save File" dialog, asked from Rust (the web view has no
//! dialog permission) without blocking a thread while the person chooses.
//!
//! Three steps, so that no request from the window stays open while a
//! native modal dialog is up: a command that saves prepares the bytes and
//! returns a job number (no dialog yet); `save_begin(job)` opens the dialog
//! (the window does not wait for its reply); `save_status(job)` tells the
//! outcome `{job, path, error}` once there, asked until it is, and answers
//! the same again if asked again.
//!
//! (Session 1 chose this after exports seemed to lose their reply under
//! Xvfb. The cause turned out to be GTK's "Replace?" prompt for a file left
//! by an earlier test run, unanswered in a second window; the tests now
//! answer it. The design stays: it never depends on one reply arriving.)

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::AppError;

/// The outcome of a save job.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveDone {
    pub job: u32,
    /// Where the file was written; `null` when the person cancelled or it
    /// failed.
    pub path: Option<String>,
    pub error: Option<String>,
}

static NEXT_JOB: AtomicU32 = AtomicU32::new(1);
static DONE: Mutex<Option<HashMap<u32, SaveDone>>> = Mutex::new(None);
/// Prepared jobs waiting for `save_begin`: file name, bytes, what for.
type Pending = (String, Zeroizing<Vec<u8>>, &'static str);
static PENDING: Mutex<Option<HashMap<u32, Pending>>> = Mutex::new(None);

/// How many finished jobs are remembered. An outcome is not forgotten when
/// it is read: the reply carrying it may be lost, and the window asks again.
const REMEMBERED: usize = 16;

/// The outcome of a job once it is there.
pub fn outcome(job: u32) -> Option<SaveDone> {
    DONE.lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()?
        .get(&job)
        .cloned()
}

/// Prepares a save of `bytes` (suggested file name, and what it is for the
/// error message); returns the job number for `save_begin`.
pub fn start(suggested_name: String, bytes: Zeroizing<Vec<u8>>, what: &'static str) -> u32 {
    let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
    PENDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(job, (suggested_name, bytes, what));
    job
}

/// Drops every prepared save that has not reached its dialog yet (the
/// vault was locked: an export waiting there holds secrets).
pub fn forget_pending() {
    if let Some(m) = PENDING.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        m.clear();
    }
}

/// Whether job `job` is prepared and waiting for `save_begin`.
pub fn is_pending(job: u32) -> bool {
    PENDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .is_some_and(|m| m.contains_key(&job))
}

fn finish(done: SaveDone) {
    let mut guard = DONE.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    map.insert(done.job, done);
    while map.len() > REMEMBERED {
        let Some(oldest) = map.keys().min().copied() else {
            break;
        };
        map.remove(&oldest);
    }
}

/// Opens the save dialog of a prepared job and writes the file there
/// (atomically, mode 0600); returns at once.
#[tauri::command(async)]
pub fn save_begin(app: AppHandle, job: u32) -> Result<(), AppError> {
    let Some((name, bytes, what)) = PENDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_mut()
        .and_then(|m| m.remove(&job))
    else {
        return Err(AppError::NotFound(
            "This file is no longer waiting to be saved.".into(),
        ));
    };
    tauri::async_runtime::spawn(async move {
        // Let the reply to this request reach the window before the modal
        // dialog opens.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let done = match ask(&app, &name).await {
            None => SaveDone {
                job,
                path: None,
                error: None,
            },
            Some(path) => match apiq_app::files::write_atomic(&path, &bytes) {
                Ok(()) => SaveDone {
                    job,
                    path: Some(path.display().to_string()),
                    error: None,
                },
                Err(e) => SaveDone {
                    job,
                    path: None,
                    error: Some(AppError::io(what, &e).to_string()),
                },
            },
        };
        finish(done);
    });
    Ok(())
}

/// How a save job ended; `null` while the person is still choosing.
#[tauri::command(async)]
pub fn save_status(job: u32) -> Result<Option<SaveDone>, crate::error::AppError> {
    Ok(outcome(job))
}

/// The path the person chose, `None` when they cancelled.
pub async fn ask(app: &AppHandle, suggested_name: &str) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(suggested_name)
        .save_file(move |picked| {
            let _ = tx.send(picked);
        });
    rx.await.ok().flatten().and_then(|p| p.into_path().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(job: u32) -> SaveDone {
        SaveDone {
            job,
            path: Some(format!("/tmp/{job}")),
            error: None,
        }
    }

    #[test]
    fn an_outcome_survives_being_read_and_old_ones_are_dropped() {
        // Job numbers of our own, far from the counter's.
        let base = 1_000_000;
        finish(done(base));
        assert_eq!(
            outcome(base).and_then(|d| d.path),
            Some(format!("/tmp/{base}"))
        );
        // Read again: a lost reply is asked for again and answered the same.
        assert!(outcome(base).is_some());
        for job in base + 1..=base + REMEMBERED as u32 {
            finish(done(job));
        }
        assert!(outcome(base).is_none(), "the oldest outcome is dropped");
        assert!(outcome(base + REMEMBERED as u32).is_some());
        assert!(outcome(base + 1).is_some());
    }
}
