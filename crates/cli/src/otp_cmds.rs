//! `apiq code`, `inspect`, `scan` and `qr`: the commands that need no vault.

use std::io::Read;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use apiq_otp::{Entry, EntryJson, Generator};
use clap::Args;
use zeroize::Zeroizing;

use crate::{fsutil, warn, Failure};

#[derive(Args)]
pub struct CodeArgs {
    /// otpauth:// URIs; `-` reads URIs from stdin, one per line.
    #[arg(value_name = "URI", required = true)]
    uris: Vec<String>,
    /// The time to compute codes for, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    at: Option<u64>,
}

/// Unix seconds now; the one place these commands read the clock.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
    Ok(text)
}

/// The code of one URI (line `line` of the input), appended to `out`.
fn code_line(uri: &str, t: u64, line: usize, out: &mut String) -> anyhow::Result<()> {
    let entry =
        apiq_otp::uri::parse(uri).map_err(|e| Failure::input(format!("line {line}: {e}")))?;
    out.push_str(&Generator::new(&entry).code_at(t));
    out.push('\n');
    Ok(())
}

/// Inputs below this many lines are not worth a second thread.
const PARALLEL_FROM: usize = 4096;

/// The codes of the URIs in `text`, one per line (blank lines skipped), in
/// input order; `first_line` numbers the first line. Long inputs are cut
/// into one run of lines per core; the error reported is still the first
/// bad line's. Returns how many lines it read.
fn code_lines(text: &str, t: u64, first_line: usize, out: &mut String) -> anyhow::Result<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let run = |from: usize, lines: &[&str]| -> anyhow::Result<String> {
        let mut out = String::with_capacity(lines.len() * 9);
        for (i, l) in lines.iter().enumerate() {
            if !l.trim().is_empty() {
                code_line(l, t, first_line + from + i, &mut out)?;
            }
        }
        Ok(out)
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || lines.len() < PARALLEL_FROM {
        out.push_str(&run(0, &lines)?);
        return Ok(lines.len());
    }
    let per = lines.len().div_ceil(cores);
    let parts: Vec<anyhow::Result<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(per)
            .enumerate()
            .map(|(k, chunk)| s.spawn(move || run(k * per, chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a worker thread failed")))
            })
            .collect()
    });
    for part in parts {
        out.push_str(&part?);
    }
    Ok(lines.len())
}

pub fn code(a: CodeArgs) -> anyhow::Result<String> {
    let t = a.at.unwrap_or_else(now);
    let mut out = String::new();
    let mut line = 0usize;
    for arg in &a.uris {
        if arg == "-" {
            line += code_lines(&read_stdin()?, t, line + 1, &mut out)?;
        } else {
            line += 1;
            code_line(arg, t, line, &mut out)?;
        }
    }
    Ok(out)
}

#[derive(Args)]
pub struct InspectArgs {
    /// A file, an otpauth:// or otpauth-migration:// URI, or `-` for stdin.
    #[arg(value_name = "FILE|URI|-", default_value = "-")]
    input: String,
    /// The export format, or `auto` to detect it from the content.
    #[arg(long, default_value = "auto")]
    format: String,
    /// The environment variable holding an encrypted export's password.
    #[arg(long, value_name = "VAR", default_value = "APIQ_IMPORT_PASSWORD")]
    password_env: String,
}

/// Reads `FILE|URI|-` into bytes (a URI is its own content).
pub fn read_input(input: &str) -> anyhow::Result<Vec<u8>> {
    let lower = input.get(..20).unwrap_or(input).to_ascii_lowercase();
    if lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://") {
        return Ok(input.as_bytes().to_vec());
    }
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
        return Ok(bytes);
    }
    std::fs::read(input).map_err(|e| Failure::input(format!("cannot read {input}: {e}")))
}

/// Canonical JSON of entries, pretty-printed, one array.
pub fn entries_json(entries: &[Entry]) -> anyhow::Result<String> {
    let json: Vec<EntryJson> = entries.iter().map(EntryJson::from).collect();
    let mut s = serde_json::to_string_pretty(&json).context("cannot format JSON")?;
    s.push('\n');
    Ok(s)
}

/// Entries from `otpauth`-format text (URIs and migration lines).
fn otpauth_entries(bytes: &[u8]) -> anyhow::Result<Vec<Entry>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Failure::input("the input is not text (otpauth format expects URIs, one per line)")
    })?;
    let (entries, skipped) =
        apiq_otp::parse_lines(text).map_err(|e| Failure::input(e.to_string()))?;
    for s in skipped {
        warn(format!("skipped {}: {}", s.label, s.reason));
    }
    Ok(entries)
}

/// Reads `FILE|URI|-` and imports it with the `formats` crate. `format` is a
/// format name or `auto`; the password, if the export is encrypted, comes
/// from the environment variable `password_env`. A read that yields no entry
/// but skipped something is a failure, one `error:` line per skipped item
/// (`apiq inspect 'otpauth://totp/x?secret=NOTBASE32'` must not print `[]`
/// and exit 0); otherwise skipped items become warnings.
pub fn read_import(
    input: &str,
    format: &str,
    password_env: &str,
) -> anyhow::Result<apiq_formats::Import> {
    let format = match format {
        "auto" => None,
        name => Some(apiq_formats::Format::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = apiq_formats::Format::all()
                .iter()
                .map(|f| f.name())
                .collect();
            Failure::input(format!(
                "unknown format {name:?}; known: auto, {}",
                known.join(", ")
            ))
        })?),
    };
    let bytes = Zeroizing::new(read_input(input)?);
    let password = std::env::var_os(password_env).map(|p| Zeroizing::new(p.into_encoded_bytes()));
    let imported = apiq_formats::import(&bytes, format, password.as_ref().map(|p| p.as_slice()))
        .map_err(|e| match e {
            // andOTP's encrypted backups have no header at all, so auto-detection
            // falls back to them for any unrecognised binary file: say so.
            apiq_formats::FormatError::PasswordRequired
                if format.is_none()
                    && apiq_formats::detect(&bytes).ok() == Some(apiq_formats::Format::AndOtp) =>
            {
                Failure::input(format!(
                    "{input}: not a recognised export; if it is an encrypted andOTP backup, put its \
                     password in the environment variable {password_env} (or name the format with --format)"
                ))
            }
            apiq_formats::FormatError::PasswordRequired => Failure::input(format!(
                "this export is encrypted: put its password in the environment variable {password_env}"
            )),
            e => Failure::input(format!("{input}: {e}")),
        })?;
    if imported.entries.is_empty() && !imported.skipped.is_empty() {
        // One `error:` line per item: `finish` prefixes the first.
        let lines: Vec<String> = imported
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.label, s.reason))
            .collect();
        return Err(Failure::input(format!(
            "{}\nerror: nothing could be read from the input",
            lines.join("\nerror: ")
        )));
    }
    for s in &imported.skipped {
        warn(format!("skipped {}: {}", s.label, s.reason));
    }
    Ok(imported)
}

pub fn inspect(a: InspectArgs) -> anyhow::Result<String> {
    let imported = read_import(&a.input, &a.format, &a.password_env)?;
    let json: Vec<serde_json::Value> = imported
        .entries
        .iter()
        .map(|i| {
            let mut v = serde_json::to_value(EntryJson::from(&i.entry))?;
            v["note"] = i.note.clone().into();
            v["groups"] = i.groups.clone().into();
            v["favorite"] = i.favorite.into();
            Ok(v)
        })
        .collect::<Result<_, serde_json::Error>>()
        .context("cannot format JSON")?;
    let mut out = serde_json::to_string_pretty(&json).context("cannot format JSON")?;
    out.push('\n');
    Ok(out)
}

#[derive(Args)]
pub struct ScanArgs {
    /// Image files (PNG, JPEG, WebP, GIF, BMP).
    #[arg(value_name = "IMAGE", required = true)]
    images: Vec<PathBuf>,
    /// Print the entries the QR codes hold (JSON) instead of their texts.
    #[arg(long)]
    entries: bool,
}

pub fn scan(a: ScanArgs) -> anyhow::Result<String> {
    let mut texts = Vec::new();
    for path in &a.images {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
        let found = apiq_scan::decode_bytes(&bytes)
            .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
        if found.is_empty() {
            return Err(Failure::with_code(
                1,
                format!("no QR code in {}", path.display()),
            ));
        }
        texts.extend(found);
    }
    if !a.entries {
        let mut out = texts.join("\n");
        out.push('\n');
        return Ok(out);
    }
    let mut lines = String::new();
    for t in &texts {
        let lower = t.get(..20).unwrap_or(t).to_ascii_lowercase();
        if lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://") {
            lines.push_str(t.trim());
            lines.push('\n');
        } else {
            warn("a QR code that is not an otpauth:// or otpauth-migration:// URI was ignored");
        }
    }
    entries_json(&otpauth_entries(lines.as_bytes())?)
}

#[derive(Args)]
pub struct QrArgs {
    /// The text to encode (usually an otpauth:// URI).
    uri: String,
    /// Write a PNG here instead of drawing in the terminal.
    #[arg(long, value_name = "FILE.png")]
    out: Option<PathBuf>,
}

pub fn qr(a: QrArgs) -> anyhow::Result<String> {
    match a.out {
        Some(path) => {
            let png =
                apiq_scan::render_png(&a.uri, 8).map_err(|e| Failure::input(e.to_string()))?;
            // A QR of an otpauth URI carries the secret: owner-only file.
            fsutil::write_atomic(&path, &png, true)?;
            Ok(String::new())
        }
        None => apiq_scan::render_terminal(&a.uri).map_err(|e| Failure::input(e.to_string())),
    }
}

/// Renders each non-empty line as a QR code PNG, `DIR/01.png`, `02.png` …,
/// for moving accounts to a phone. All or nothing: every image is rendered
/// before anything is written, the folder must not exist yet (it is created
/// owner-only), and a failed write removes the folder again. Prints the
/// files' paths.
pub fn write_qr_dir<'a>(
    dir: &std::path::Path,
    lines: impl Iterator<Item = &'a str>,
) -> anyhow::Result<String> {
    let pngs = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| apiq_scan::render_png(l.trim(), 6).map(Zeroizing::new))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::with_code(1, e.to_string()))?;
    if pngs.is_empty() {
        return Err(Failure::input(
            "nothing to export: the vault has no entry this format can hold",
        ));
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| {
        Failure::with_code(
            1,
            format!("cannot create the folder {}: {e}", dir.display()),
        )
    })?;
    let width = pngs.len().to_string().len().max(2);
    let mut out = String::new();
    for (i, png) in pngs.iter().enumerate() {
        let path = dir.join(format!("{:0width$}.png", i + 1));
        if let Err(e) = fsutil::write_atomic(&path, png, true) {
            let _ = std::fs::remove_dir_all(dir);
            return Err(e);
        }
        out.push_str(&format!("{}\n", path.display()));
    }
    Ok(out)
}
