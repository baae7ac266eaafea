//! Machine-wide hashing slots (`--hash-slots DIR`).
//!
//! Each instance hashes on its own pool of threads, sized by
//! `--hash-threads`. Several instances on one machine would together run
//! several times as many Argon2id hashes as it has CPUs, each with its
//! 19 MiB of working memory: the hashes then take turns on the CPUs and
//! evict each other's memory from the caches, and the machine hashes fewer
//! passwords a second than it could. Instances started with the same
//! directory share its slot files (`slot-0` … `slot-<N-1>`, N = this
//! machine's CPUs): a hashing thread holds an exclusive `flock` on one of
//! them while it hashes, so no more than N hashes run at once between them
//! all, however many threads each instance has. Threads that find every
//! slot taken queue on the `line` file, the first of them taking the first
//! slot released; a thread that finds a slot free on its way in may pass
//! the line only during its first [`BARGE_WINDOW`], so no instance starves.
//!
//! The kernel drops a lock when its holder exits, so an instance that
//! crashes mid-hash never keeps a slot. The directory and the files must not
//! be open to other users, who could otherwise hold the slots and stall
//! every sign-in: the directory is created `0700`, the files `0600`, and an
//! existing directory writable by others, or files readable by them, are
//! refused at start.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The slot files of one directory.
#[derive(Clone, Debug)]
pub struct HashSlots {
    files: Vec<PathBuf>,
    line: PathBuf,
}

impl HashSlots {
    /// Prepares `dir` (created `0700` when missing) with `count` slot files
    /// (at least 1). Errors name what is wrong and where.
    pub fn open(dir: &Path, count: usize) -> Result<Self, String> {
        let shown = dir.display();
        match std::fs::symlink_metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                builder.mode(0o700);
                builder
                    .create(dir)
                    .map_err(|e| format!("cannot create the hashing slots folder {shown}: {e}"))?;
            }
            Err(e) => return Err(format!("cannot read the hashing slots folder {shown}: {e}")),
            Ok(m) if !m.is_dir() => {
                return Err(format!(
                    "the hashing slots folder {shown} is not a folder (a symbolic link is refused too)"
                ))
            }
            #[cfg(unix)]
            Ok(m) if m.mode() & 0o022 != 0 => {
                return Err(format!(
                    "the hashing slots folder {shown} is writable by other users, who could hold its slots and stall every sign-in: make it private (chmod 700) or give another one"
                ))
            }
            Ok(_) => {}
        }
        let mut files = Vec::new();
        for name in (0..count.max(1))
            .map(|i| format!("slot-{i}"))
            .chain(["line".to_owned()])
        {
            let path = dir.join(name);
            // The folder is private (checked above), so nobody else can
            // swap a file for a link between this look and the open.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(format!(
                    "{} is a symbolic link: the slot files must be plain files",
                    path.display()
                ));
            }
            let file = open_slot(&path)?;
            let meta = file
                .metadata()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if !meta.is_file() {
                return Err(format!("{} is not a regular file", path.display()));
            }
            #[cfg(unix)]
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(format!(
                    "{} is open to other users, who could hold the slot and stall every sign-in: chmod 600 it",
                    path.display()
                ));
            }
            files.push(path);
        }
        let line = files.pop().expect("the line file was pushed last");
        Ok(HashSlots { files, line })
    }

    /// The files one hashing thread locks with, its own open files (a
    /// `flock` belongs to an open file, so two threads of one process
    /// exclude each other as two processes do). `start` is the slot it
    /// tries first, so threads do not all contend for slot 0.
    pub fn for_thread(&self, start: usize) -> Result<ThreadSlots, String> {
        let files = self
            .files
            .iter()
            .map(|p| open_slot(p))
            .collect::<Result<Vec<_>, _>>()?;
        let start = start % files.len();
        let line = open_slot(&self.line)?;
        Ok(ThreadSlots { files, line, start })
    }
}

fn open_slot(path: &Path) -> Result<File, String> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    options.mode(0o600);
    options
        .open(path)
        .map_err(|e| format!("cannot open the hashing slot {}: {e}", path.display()))
}

/// How often the first thread in line looks for a released slot (a slot
/// stays idle about half of it; a hash takes some 15 ms).
const POLL: Duration = Duration::from_micros(100);

/// How long the first thread in line may be passed by threads that find a
/// slot free on their way in (most often one that has just released it and
/// has more work: it goes on with its memory still warm in the caches,
/// which is worth several per cent of hashes on two CPUs). After this, a
/// released slot goes to the thread in line: no instance is starved.
const BARGE_WINDOW: Duration = Duration::from_millis(50);

/// One thread's handles on the slots.
pub struct ThreadSlots {
    files: Vec<File>,
    line: File,
    start: usize,
}

impl ThreadSlots {
    /// Takes a free slot, or waits for one. Threads that find every slot
    /// taken queue on the folder's `line` file; the first in line stamps
    /// the file with when it began to wait and looks at the slots every
    /// [`POLL`], taking whichever is released first (a wait on one slot's
    /// lock would sit idle while another is released). A thread arriving
    /// while someone is in line takes a free slot only within
    /// [`BARGE_WINDOW`] of that stamp. `None` when locking itself fails:
    /// then the hash goes ahead without a slot (a sign-in is not refused
    /// for it) and the error is logged.
    pub fn acquire(&self) -> Option<Held<'_>> {
        self.wait_for_a_slot()
            .map_err(|e| {
                tracing::error!(error = %e, "cannot lock a hashing slot; hashing without one");
            })
            .ok()
    }

    fn wait_for_a_slot(&self) -> io::Result<Held<'_>> {
        match self.line.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let waited = now_ns().saturating_sub(read_stamp(&self.line));
                if Duration::from_nanos(waited) < BARGE_WINDOW {
                    if let Some(held) = self.try_any()? {
                        return Ok(held);
                    }
                }
                self.line.lock()?;
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
        let _turn = Held(&self.line);
        if let Some(held) = self.try_any()? {
            return Ok(held);
        }
        write_stamp(&self.line, now_ns());
        loop {
            std::thread::sleep(POLL);
            if let Some(held) = self.try_any()? {
                return Ok(held);
            }
        }
    }

    /// The first free slot from this thread's start, if any.
    fn try_any(&self) -> io::Result<Option<Held<'_>>> {
        let n = self.files.len();
        for k in 0..n {
            let file = &self.files[(self.start + k) % n];
            match file.try_lock() {
                Ok(()) => return Ok(Some(Held(file))),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
        Ok(None)
    }
}

/// Stamps the line file with when its first thread began to wait. A stamp
/// that cannot be written only lets others pass it a little longer or less.
fn write_stamp(file: &File, now: u64) {
    #[cfg(unix)]
    let _ = file.write_at(&now.to_le_bytes(), 0);
    #[cfg(not(unix))]
    let _ = (file, now);
}

/// When the first in line began to wait (0: not known, long ago).
fn read_stamp(file: &File) -> u64 {
    let mut stamp = [0u8; 8];
    #[cfg(unix)]
    if let Ok(8) = file.read_at(&mut stamp, 0) {
        return u64::from_le_bytes(stamp);
    }
    #[cfg(not(unix))]
    let _ = (file, &mut stamp);
    0
}

/// Nanoseconds since the Unix epoch (every process on the machine reads
/// the same clock).
fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A lock held (a slot, or the first place in line); released when
/// dropped.
pub struct Held<'a>(&'a File);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.0.unlock() {
            tracing::error!(error = %e, "cannot release a hashing slot");
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Waiters get released slots whichever slot they started from, one
    /// waiter per slot, and no waiter gets one while all are held.
    #[test]
    fn waiters_take_whichever_slot_is_released_first() {
        use std::sync::mpsc::channel;
        let dir = tempfile::tempdir().unwrap();
        let slots = HashSlots::open(&dir.path().join("slots"), 2).unwrap();
        let a = slots.for_thread(0).unwrap();
        let b = slots.for_thread(0).unwrap();
        let first = a.acquire().unwrap();
        // b starts at slot 0, held by a: it gets slot 1 without waiting.
        let second = b.acquire().unwrap();
        // Two waiters, both starting from slot 0, each keeping what it got
        // until the end.
        let (got, gotten) = channel();
        let (end, ended) = channel::<()>();
        let ended = std::sync::Arc::new(std::sync::Mutex::new(ended));
        let waiters: Vec<_> = (0..2)
            .map(|w| {
                let mine = slots.for_thread(0).unwrap();
                let (got, ended) = (got.clone(), ended.clone());
                std::thread::spawn(move || {
                    let held = mine.acquire();
                    got.send((w, held.is_some())).unwrap();
                    let _ = ended.lock().unwrap().recv();
                    drop(held);
                })
            })
            .collect();
        let wait = Duration::from_millis(300);
        assert!(
            gotten.recv_timeout(wait).is_err(),
            "a waiter got a slot while both were held"
        );
        // Slot 1 released: one waiter takes it, though both started from 0.
        drop(second);
        let (w1, ok) = gotten.recv().unwrap();
        assert!(ok);
        assert!(
            gotten.recv_timeout(wait).is_err(),
            "two waiters got one released slot"
        );
        drop(first);
        let (w2, ok) = gotten.recv().unwrap();
        assert!(ok && w1 != w2);
        end.send(()).unwrap();
        end.send(()).unwrap();
        for w in waiters {
            w.join().unwrap();
        }
        // All given back: a new hash gets one at once.
        assert!(a.try_any().unwrap().is_some());
    }

    /// A thread that releases a slot and wants one again queues behind a
    /// thread waiting longer than the barge window: it cannot take its slot
    /// straight back.
    #[test]
    fn a_released_slot_goes_to_the_thread_already_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let slots = HashSlots::open(&dir.path().join("slots"), 1).unwrap();
        let a = slots.for_thread(0).unwrap();
        let held = a.acquire().unwrap();
        let (got, gotten) = std::sync::mpsc::channel();
        let waiting = {
            let b = slots.for_thread(0).unwrap();
            let got = got.clone();
            std::thread::spawn(move || {
                let held = b.acquire();
                got.send("waiting").unwrap();
                // Keeps the slot a moment, then gives it back.
                std::thread::sleep(std::time::Duration::from_millis(100));
                drop(held);
            })
        };
        // Until b is in line (it holds the line's lock), a could not tell;
        // then b waits past the time others may pass it.
        while slots.for_thread(0).unwrap().line.try_lock().is_ok() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(BARGE_WINDOW * 2);
        drop(held);
        let again = a.acquire();
        got.send("again").unwrap();
        assert_eq!(gotten.recv().unwrap(), "waiting");
        assert_eq!(gotten.recv().unwrap(), "again");
        drop(again);
        waiting.join().unwrap();
    }

    #[test]
    fn folders_and_files_open_to_other_users_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = HashSlots::open(&open, 1).unwrap_err();
        assert!(e.contains("writable by other users"), "{e}");

        let private = dir.path().join("private");
        let slots = HashSlots::open(&private, 3).unwrap();
        assert_eq!(slots.files.len(), 3);
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let slot = private.join("slot-1");
        assert_eq!(
            std::fs::metadata(&slot).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&slot, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = HashSlots::open(&private, 3).unwrap_err();
        assert!(e.contains("open to other users"), "{e}");

        let file = dir.path().join("file");
        std::fs::write(&file, b"").unwrap();
        let e = HashSlots::open(&file, 1).unwrap_err();
        assert!(e.contains("not a folder"), "{e}");

        let linked = dir.path().join("linked");
        std::fs::create_dir(&linked).unwrap();
        std::os::unix::fs::symlink(&file, linked.join("line")).unwrap();
        let e = HashSlots::open(&linked, 1).unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            b"",
            "the link's target was written"
        );
    }
}
