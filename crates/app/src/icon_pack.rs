//! Icon packs in Aegis's format: a ZIP with a `pack.json` naming each icon
//! file and the issuers it is for.
//!
//! ```json
//! { "uuid": "…", "name": "…", "version": 1,
//!   "icons": [ { "filename": "SVG/github.svg", "name": "GitHub",
//!                "category": "Development", "issuer": ["github"] } ] }
//! ```
//!
//! An imported pack is checked whole before anything is kept (the JSON, a
//! UUID-shaped id, every listed file present, an image, and inside the size
//! limits, each read to its end so a ZIP bomb or a bad CRC is caught), then
//! copied as one file, `<data dir>/icon-packs/<uuid>.zip`, by the atomic
//! writer: a pack is there whole or not at all, and importing a pack of
//! the same id replaces it. Icons are read from that file when the window
//! asks (and shrunk like any other icon, [`crate::icon`]).
//!
//! A pack's icon is suggested for an entry whose issuer equals one of the
//! icon's `issuer` names or its `name`, ignoring case, spaces and
//! punctuation ("Proton Mail" = "protonmail"); a domain issuer
//! (`github.com`) also matches by its name (`github`). Packs are asked in
//! name order; the first match wins.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::icon::{self, IconData, IconError};

/// The folder of the packs, inside the data folder.
pub const DIR: &str = "icon-packs";
/// The largest pack file imported.
pub const MAX_PACK_BYTES: usize = 64 * 1024 * 1024;
/// The largest icon file inside a pack.
pub const MAX_ICON_BYTES: u64 = 1024 * 1024;
/// What all of a pack's icons may add up to, unpacked.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// The most icons one pack may list.
pub const MAX_ICONS: usize = 20_000;
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;
const MANIFEST: &str = "pack.json";

/// Why a pack cannot be imported or read.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("the file is too large for an icon pack ({size} bytes; at most {max})")]
    TooLarge { size: usize, max: usize },
    #[error("this is not an icon pack: {0}")]
    NotAPack(String),
    #[error("the icon pack is damaged: {0}")]
    Damaged(String),
    #[error("no icon pack with this id")]
    NotFound,
    #[error("the icon cannot be used: {0}")]
    Icon(#[from] IconError),
    #[error("{0}")]
    Io(#[from] io::Error),
}

#[derive(Deserialize)]
struct Manifest {
    uuid: String,
    name: String,
    version: u32,
    icons: Vec<ManifestIcon>,
}

#[derive(Deserialize)]
struct ManifestIcon {
    filename: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    issuer: Vec<String>,
}

/// An imported pack: what the window lists, and its index.
pub struct Pack {
    pub uuid: String,
    pub name: String,
    pub version: u32,
    /// Icon file names, by index.
    files: Vec<String>,
    /// Normalised issuer → index into `files`.
    by_issuer: HashMap<String, usize>,
    path: PathBuf,
}

impl fmt::Debug for Pack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pack")
            .field("uuid", &self.uuid)
            .field("name", &self.name)
            .field("version", &self.version)
            .field("icons", &self.files.len())
            .finish()
    }
}

impl Pack {
    /// How many icons it has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file of the icon suggested for `issuer`, if any.
    pub fn find(&self, issuer: &str) -> Option<&str> {
        candidates(issuer)
            .iter()
            .find_map(|k| self.by_issuer.get(k))
            .map(|&i| self.files[i].as_str())
    }

    /// One of its icons, as an entry icon (rasters shrunk, SVG kept).
    pub fn read(&self, file: &str) -> Result<IconData, PackError> {
        let mut zip = open_zip(File::open(&self.path)?)?;
        let bytes = read_member(&mut zip, file)?;
        Ok(icon::from_image_bytes(&bytes)?)
    }
}

/// The packs kept in one data folder.
pub struct PackStore {
    dir: PathBuf,
}

impl PackStore {
    pub fn new(data_dir: &Path) -> Self {
        PackStore {
            dir: data_dir.join(DIR),
        }
    }

    /// Every kept pack, in name order. A file that no longer reads (e.g.
    /// damaged on disk) is left out, with why in the second list.
    pub fn load(&self) -> (Vec<Pack>, Vec<String>) {
        let mut packs = Vec::new();
        let mut problems = Vec::new();
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return (packs, problems);
        };
        for item in dir.flatten() {
            let path = item.path();
            if path.extension().is_none_or(|e| e != "zip") {
                continue;
            }
            let read = File::open(&path)
                .map_err(PackError::from)
                .and_then(|f| index(f, path.clone(), false));
            match read {
                Ok(p) => packs.push(p),
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            }
        }
        packs.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.uuid.cmp(&b.uuid))
        });
        (packs, problems)
    }

    /// Checks a pack file whole and keeps it (replacing a pack of the same
    /// id). Nothing is written when any check fails.
    pub fn import(&self, bytes: &[u8]) -> Result<Pack, PackError> {
        if bytes.len() > MAX_PACK_BYTES {
            return Err(PackError::TooLarge {
                size: bytes.len(),
                max: MAX_PACK_BYTES,
            });
        }
        let checked = index(Cursor::new(bytes), PathBuf::new(), true)?;
        fs::DirBuilder::new().recursive(true).create(&self.dir)?;
        let path = self.dir.join(format!("{}.zip", checked.uuid));
        crate::files::write_atomic(&path, bytes)?;
        Ok(Pack { path, ..checked })
    }

    /// Forgets a pack.
    pub fn remove(&self, uuid: &str) -> Result<(), PackError> {
        if !is_uuid(uuid) {
            return Err(PackError::NotFound);
        }
        match fs::remove_file(self.dir.join(format!("{uuid}.zip"))) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(PackError::NotFound),
            r => Ok(r?),
        }
    }
}

/// The first pack (in the order given) with an icon for `issuer`: the pack
/// and the icon's file.
pub fn find<'a>(packs: &'a [Pack], issuer: &str) -> Option<(&'a Pack, &'a str)> {
    packs.iter().find_map(|p| p.find(issuer).map(|f| (p, f)))
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The keys an issuer is looked up by: itself, and for a domain the name
/// before its last dot (`accounts.google.com` → `google`).
fn candidates(issuer: &str) -> Vec<String> {
    let mut out = vec![normalise(issuer)];
    let t = issuer.trim();
    if !t.contains(' ') && t.contains('.') {
        let parts: Vec<&str> = t.split('.').filter(|p| !p.is_empty()).collect();
        if parts.len() >= 2 {
            out.push(normalise(parts[parts.len() - 2]));
        }
    }
    out.retain(|k| !k.is_empty());
    out
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn open_zip<R: Read + Seek>(r: R) -> Result<zip::ZipArchive<R>, PackError> {
    zip::ZipArchive::new(r).map_err(|e| PackError::NotAPack(format!("not a readable ZIP ({e})")))
}

/// One member, read through a cap (so a member that unpacks past it is
/// refused, whatever its header says) and to its end (so its CRC is
/// checked).
fn read_member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Vec<u8>, PackError> {
    let cap = if name == MANIFEST {
        MAX_MANIFEST_BYTES
    } else {
        MAX_ICON_BYTES
    };
    let member = zip.by_name(name).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => PackError::Damaged(format!("{name} is missing")),
        e => PackError::Damaged(format!("{name} cannot be read ({e})")),
    })?;
    if member.encrypted() {
        return Err(PackError::Damaged(format!("{name} is encrypted")));
    }
    let mut out = Vec::new();
    member
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| PackError::Damaged(format!("{name} cannot be read ({e})")))?;
    if out.len() as u64 > cap {
        return Err(PackError::Damaged(format!(
            "{name} is larger than {cap} bytes"
        )));
    }
    Ok(out)
}

/// Reads a pack's manifest and builds its index; `check` also reads every
/// icon (the import does; loading a kept pack trusts what it checked).
fn index<R: Read + Seek>(r: R, path: PathBuf, check: bool) -> Result<Pack, PackError> {
    let mut zip = open_zip(r)?;
    let manifest = match read_member(&mut zip, MANIFEST) {
        Err(PackError::Damaged(m)) if m.ends_with("is missing") => {
            return Err(PackError::NotAPack(format!("no {MANIFEST} in the ZIP")))
        }
        r => r?,
    };
    let m: Manifest = serde_json::from_slice(&manifest)
        .map_err(|e| PackError::NotAPack(format!("{MANIFEST} does not read ({e})")))?;
    if !is_uuid(&m.uuid) {
        return Err(PackError::NotAPack(format!("{MANIFEST} has no valid uuid")));
    }
    if m.name.trim().is_empty() {
        return Err(PackError::NotAPack(format!("{MANIFEST} has no name")));
    }
    if m.icons.is_empty() {
        return Err(PackError::NotAPack("the pack has no icons".into()));
    }
    if m.icons.len() > MAX_ICONS {
        return Err(PackError::NotAPack(format!(
            "the pack lists more than {MAX_ICONS} icons"
        )));
    }
    let mut files = Vec::with_capacity(m.icons.len());
    let mut by_issuer = HashMap::new();
    let mut total = 0u64;
    for ic in &m.icons {
        let lower = ic.filename.to_ascii_lowercase();
        if ![".png", ".jpg", ".jpeg", ".svg"]
            .iter()
            .any(|x| lower.ends_with(x))
        {
            return Err(PackError::Damaged(format!(
                "{} is not a PNG, JPEG or SVG file",
                ic.filename
            )));
        }
        if check {
            let bytes = read_member(&mut zip, &ic.filename)?;
            total += bytes.len() as u64;
            if total > MAX_TOTAL_BYTES {
                return Err(PackError::Damaged(format!(
                    "its icons add up to more than {MAX_TOTAL_BYTES} bytes"
                )));
            }
            icon::from_image_bytes(&bytes)
                .map_err(|e| PackError::Damaged(format!("{} cannot be used ({e})", ic.filename)))?;
        }
        let i = files.len();
        files.push(ic.filename.clone());
        for name in ic.issuer.iter().chain(ic.name.as_ref()) {
            let k = normalise(name);
            if !k.is_empty() {
                by_issuer.entry(k).or_insert(i);
            }
        }
    }
    Ok(Pack {
        uuid: m.uuid.to_ascii_lowercase(),
        name: m.name.trim().to_string(),
        version: m.version,
        files,
        by_issuer,
        path,
    })
}

/// Test helpers: building pack files.
#[cfg(test)]
pub(crate) mod testing {
    use std::io::{Cursor, Write};

    /// A pack ZIP with `pack.json` from `manifest` and the given members.
    pub fn pack_zip(manifest: &str, members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut out));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("pack.json", opts).unwrap();
            zip.write_all(manifest.as_bytes()).unwrap();
            for (name, bytes) in members {
                zip.start_file(*name, opts).unwrap();
                zip.write_all(bytes).unwrap();
            }
            zip.finish().unwrap();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::pack_zip;
    use super::*;

    const UUID: &str = "17b2d3c5-2a6e-4b1a-9c1d-0123456789ab";
    const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24v24H0z"/></svg>"#;

    fn manifest(uuid: &str, version: u32, icons: &str) -> String {
        format!(r#"{{"uuid":"{uuid}","name":"Test pack","version":{version},"icons":[{icons}]}}"#)
    }

    fn good() -> Vec<u8> {
        pack_zip(
            &manifest(
                UUID,
                1,
                r#"{"filename":"SVG/github.svg","name":"GitHub","category":null,"issuer":["github"]},
                   {"filename":"SVG/proton.svg","name":"Proton Mail","issuer":["protonmail","proton"]}"#,
            ),
            &[("SVG/github.svg", SVG), ("SVG/proton.svg", SVG)],
        )
    }

    #[test]
    fn an_imported_pack_is_kept_found_by_issuer_and_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = PackStore::new(dir.path());
        let pack = store.import(&good()).unwrap();
        assert_eq!(
            (pack.uuid.as_str(), pack.name.as_str(), pack.len()),
            (UUID, "Test pack", 2)
        );
        let (packs, problems) = store.load();
        assert!(problems.is_empty());
        assert_eq!(packs.len(), 1);
        assert_eq!(packs[0].find("GitHub"), Some("SVG/github.svg"));
        assert_eq!(packs[0].find("github.com"), Some("SVG/github.svg"));
        assert_eq!(packs[0].find("Proton Mail"), Some("SVG/proton.svg"));
        assert_eq!(packs[0].find("Gitlab"), None);
        let (p, file) = find(&packs, "github").unwrap();
        let icon = p.read(file).unwrap();
        assert_eq!(
            (icon.mime.as_str(), icon.bytes.as_slice()),
            ("image/svg+xml", SVG)
        );
        store.remove(UUID).unwrap();
        assert!(store.load().0.is_empty());
        assert!(matches!(store.remove(UUID), Err(PackError::NotFound)));
        assert!(matches!(store.remove("../vault"), Err(PackError::NotFound)));
    }

    #[test]
    fn a_pack_of_the_same_id_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = PackStore::new(dir.path());
        store.import(&good()).unwrap();
        let v2 = pack_zip(
            &manifest(UUID, 2, r#"{"filename":"a.svg","issuer":["gitlab"]}"#),
            &[("a.svg", SVG)],
        );
        store.import(&v2).unwrap();
        let (packs, _) = store.load();
        assert_eq!(packs.len(), 1);
        assert_eq!(
            (packs[0].version, packs[0].find("gitlab")),
            (2, Some("a.svg"))
        );
    }

    #[test]
    fn bad_packs_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = PackStore::new(dir.path());
        store.import(&good()).unwrap();
        let before = fs::read(dir.path().join(DIR).join(format!("{UUID}.zip"))).unwrap();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"not a zip".to_vec(), "not a readable ZIP"),
            (pack_zip("{", &[]), "does not read"),
            (
                pack_zip(
                    &manifest("../../x", 1, r#"{"filename":"a.svg"}"#),
                    &[("a.svg", SVG)],
                ),
                "uuid",
            ),
            (pack_zip(&manifest(UUID, 3, ""), &[]), "no icons"),
            (
                pack_zip(&manifest(UUID, 3, r#"{"filename":"missing.svg"}"#), &[]),
                "missing.svg is missing",
            ),
            (
                pack_zip(
                    &manifest(UUID, 3, r#"{"filename":"a.exe"}"#),
                    &[("a.exe", b"MZ")],
                ),
                "not a PNG",
            ),
            (
                pack_zip(
                    &manifest(UUID, 3, r#"{"filename":"a.png"}"#),
                    &[("a.png", b"garbage")],
                ),
                "cannot be used",
            ),
            (
                // A bomb: a small deflated member that unpacks past the cap.
                pack_zip(
                    &manifest(UUID, 3, r#"{"filename":"big.svg"}"#),
                    &[("big.svg", &vec![b' '; MAX_ICON_BYTES as usize + 10])],
                ),
                "larger than",
            ),
        ];
        for (bytes, why) in cases {
            let err = store.import(&bytes).unwrap_err().to_string();
            assert!(err.contains(why), "{err:?} should say {why:?}");
        }
        let no_manifest = {
            let mut z = pack_zip("{}", &[]);
            // Rename the member: same length, another name.
            let at = z.windows(9).position(|w| w == b"pack.json").unwrap();
            z[at..at + 9].copy_from_slice(b"pack.jsox");
            let at = z.windows(9).rposition(|w| w == b"pack.json").unwrap();
            z[at..at + 9].copy_from_slice(b"pack.jsox");
            z
        };
        assert!(store
            .import(&no_manifest)
            .unwrap_err()
            .to_string()
            .contains("no pack.json"));
        let after = fs::read(dir.path().join(DIR).join(format!("{UUID}.zip"))).unwrap();
        assert_eq!(before, after, "a refused pack changed the kept one");
        assert_eq!(fs::read_dir(dir.path().join(DIR)).unwrap().count(), 1);
    }

    #[test]
    fn a_damaged_kept_pack_is_left_out_with_why() {
        let dir = tempfile::tempdir().unwrap();
        let store = PackStore::new(dir.path());
        store.import(&good()).unwrap();
        fs::write(dir.path().join(DIR).join("x.zip"), b"junk").unwrap();
        let (packs, problems) = store.load();
        assert_eq!((packs.len(), problems.len()), (1, 1));
        assert!(problems[0].contains("x.zip"));
    }

    #[test]
    fn issuers_are_matched_loosely_but_not_by_part() {
        assert_eq!(
            candidates("accounts.google.com"),
            vec!["accountsgooglecom", "google"]
        );
        assert_eq!(candidates("Proton Mail"), vec!["protonmail"]);
        assert!(candidates("  ").is_empty());
        assert!(is_uuid(UUID) && !is_uuid("x") && !is_uuid(&UUID.replace('-', "/")));
    }
}
