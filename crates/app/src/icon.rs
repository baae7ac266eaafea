//! An entry's own icon: what the vault keeps in [`apiq_vault::VaultEntry::icon`].
//!
//! The vault stores an icon as a `data:` URL (`data:MIME;base64,…`), so it
//! travels with the entry through sync, backups and exports, and no file
//! outside the encrypted vault says which services a person uses. Three
//! kinds are kept:
//!
//! - a raster image (a picked file, an Aegis export's PNG or JPEG, an icon
//!   pack's PNG): decoded with bounded memory and re-encoded as a PNG of at
//!   most [`MAX_SIDE`] pixels a side, so an icon is a few kilobytes whatever
//!   was picked and the window never decodes a foreign file;
//! - an SVG of at most [`MAX_SVG_BYTES`], kept as it is (the window shows
//!   it through `<img>`, where an SVG runs no script and loads nothing);
//! - 2FAS's icon fields ([`TWOFAS_MIME`]: which of 2FAS's own icons or
//!   which label and colour), kept so that an export back to 2FAS gives the
//!   same icon. The window has no image for them and shows its own.
//!
//! Nothing here fetches anything: there is no favicon download.

use std::fmt;
use std::io::Cursor;

use apiq_formats::Icon;
use base64::Engine;
use image::{ImageFormat, ImageReader, Limits};

/// The longest side of a stored raster icon, in pixels (the list shows
/// icons at 40 px; 128 stays sharp at 3× scaling).
pub const MAX_SIDE: u32 = 128;
/// The largest SVG kept as an icon.
pub const MAX_SVG_BYTES: usize = 128 * 1024;
/// The largest image file read as an icon (before it is shrunk).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// 2FAS's icon fields (its `icon` object as JSON), kept for re-export.
pub const TWOFAS_MIME: &str = apiq_formats::TWOFAS_ICON_MIME;
/// The largest 2FAS icon object kept.
const MAX_TWOFAS_BYTES: usize = 4 * 1024;
/// Pixels a picture may have before decoding (what the decoder may
/// allocate is capped too).
const MAX_PIXELS_SIDE: u32 = 8192;
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Why a file cannot be an icon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IconError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large for an icon ({size} bytes; at most {max})")]
    TooLarge { size: usize, max: usize },
    #[error("the file is not an image Apiq can read (PNG, JPEG, WebP, GIF, BMP or SVG)")]
    NotAnImage,
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
}

/// A stored icon taken apart: its type and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct IconData {
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for IconData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IconData({}, {} bytes)", self.mime, self.bytes.len())
    }
}

/// The types stored as pictures the window shows: what [`from_image_bytes`]
/// makes.
const PICTURES: [&str; 2] = ["image/png", "image/svg+xml"];

impl IconData {
    /// The `data:` URL the vault stores.
    pub fn to_data_url(&self) -> String {
        format!(
            "data:{};base64,{}",
            self.mime,
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }
}

/// Whether a stored icon is a picture the window can show (checked on its
/// prefix, without decoding it).
pub fn is_picture(stored: &str) -> bool {
    stored
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
        .is_some_and(|(mime, _)| PICTURES.contains(&mime))
}

/// Reads a stored icon back (`None` when it is not a `data:` URL this
/// module wrote, e.g. from a future version).
pub fn parse(stored: &str) -> Option<IconData> {
    let rest = stored.strip_prefix("data:")?;
    let (mime, b64) = rest.split_once(";base64,")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Some(IconData {
        mime: mime.to_string(),
        bytes,
    })
}

/// The stored form of a picked image file: shrunk to a PNG, or an SVG as
/// it is.
pub fn from_file(bytes: &[u8]) -> Result<String, IconError> {
    Ok(from_image_bytes(bytes)?.to_data_url())
}

/// An image's bytes as an icon: SVG kept (size-checked), anything else
/// decoded and re-encoded as a PNG of at most [`MAX_SIDE`] a side.
pub fn from_image_bytes(bytes: &[u8]) -> Result<IconData, IconError> {
    if bytes.is_empty() {
        return Err(IconError::Empty);
    }
    if looks_like_svg(bytes) {
        if bytes.len() > MAX_SVG_BYTES {
            return Err(IconError::TooLarge {
                size: bytes.len(),
                max: MAX_SVG_BYTES,
            });
        }
        return Ok(IconData {
            mime: "image/svg+xml".into(),
            bytes: bytes.to_vec(),
        });
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(IconError::TooLarge {
            size: bytes.len(),
            max: MAX_FILE_BYTES,
        });
    }
    let format = image::guess_format(bytes).map_err(|_| IconError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Bmp
    ) {
        return Err(IconError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| IconError::Unreadable(e.to_string()))?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Lanczos3)
    } else {
        img
    };
    let mut png = Vec::new();
    img.to_rgba8()
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| IconError::Unreadable(e.to_string()))?;
    Ok(IconData {
        mime: "image/png".into(),
        bytes: png,
    })
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let Ok(text) = std::str::from_utf8(head).or_else(|e| {
        // A multi-byte character cut at 1024 bytes.
        std::str::from_utf8(&head[..e.valid_up_to()])
    }) else {
        return false;
    };
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with("<?xml")
        || t.starts_with("<svg")
        || t.starts_with("<!--")
        || t.starts_with("<!DOCTYPE svg"))
        && text.contains("<svg")
}

/// An imported entry's icon as the vault keeps it: images through
/// [`from_image_bytes`], 2FAS's fields as they are; `None` (dropped) for
/// what cannot be read, which the import does not fail for.
pub fn from_imported(icon: &Icon) -> Option<String> {
    if icon.mime == TWOFAS_MIME {
        let ok = icon.data.len() <= MAX_TWOFAS_BYTES
            && serde_json::from_slice::<serde_json::Value>(&icon.data).is_ok_and(|v| v.is_object());
        return ok.then(|| {
            IconData {
                mime: TWOFAS_MIME.into(),
                bytes: icon.data.clone(),
            }
            .to_data_url()
        });
    }
    from_image_bytes(&icon.data).ok().map(|d| d.to_data_url())
}

/// A stored icon for an exporter (which decides what its format keeps).
pub fn to_export(stored: &str) -> Option<Icon> {
    parse(stored).map(|d| Icon {
        mime: d.mime,
        data: d.bytes,
    })
}

/// A short key that changes when the icon changes (the window caches
/// pictures by it).
pub fn key(stored: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(stored.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 200, 255]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_large_picture_is_shrunk_to_a_small_png() {
        let stored = from_file(&png(600, 300)).unwrap();
        let d = parse(&stored).unwrap();
        assert_eq!(d.mime, "image/png");
        let img = image::load_from_memory(&d.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (128, 64));
        assert!(is_picture(&stored));
    }

    #[test]
    fn a_small_picture_keeps_its_size() {
        let d = from_image_bytes(&png(40, 20)).unwrap();
        let img = image::load_from_memory(&d.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (40, 20));
    }

    #[test]
    fn svg_is_kept_as_it_is_and_bounded() {
        let svg =
            br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#;
        let d = from_image_bytes(svg).unwrap();
        assert_eq!(
            (d.mime.as_str(), d.bytes.as_slice()),
            ("image/svg+xml", &svg[..])
        );
        let mut big = b"<svg xmlns=\"http://www.w3.org/2000/svg\">".to_vec();
        big.resize(MAX_SVG_BYTES + 1, b' ');
        assert!(matches!(
            from_image_bytes(&big),
            Err(IconError::TooLarge { .. })
        ));
    }

    #[test]
    fn what_is_not_a_picture_is_refused_with_why() {
        assert_eq!(from_image_bytes(b""), Err(IconError::Empty));
        assert_eq!(
            from_image_bytes(b"hello, world"),
            Err(IconError::NotAnImage)
        );
        let mut cut = png(50, 50);
        cut.truncate(cut.len() / 2);
        assert!(matches!(
            from_image_bytes(&cut),
            Err(IconError::Unreadable(_))
        ));
        // A PNG header claiming an enormous picture is refused before
        // anything that size is allocated.
        let mut huge = png(1, 1);
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(matches!(
            from_image_bytes(&huge),
            Err(IconError::Unreadable(_))
        ));
    }

    #[test]
    fn stored_icons_read_back_and_key_by_content() {
        let a = from_file(&png(8, 8)).unwrap();
        let b = from_file(&png(9, 9)).unwrap();
        assert!(a.starts_with("data:image/png;base64,"));
        assert_eq!(to_export(&a).unwrap().mime, "image/png");
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a), key(&a.clone()));
        assert!(parse("github").is_none());
        assert!(is_picture(&a) && !is_picture("github"));
        assert!(parse("data:image/png;base64,!!!").is_none());
    }

    #[test]
    fn imported_icons_are_normalised_or_dropped() {
        let jpeg = {
            let img = image::RgbImage::from_pixel(300, 300, image::Rgb([10, 20, 30]));
            let mut out = Vec::new();
            img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
                .unwrap();
            out
        };
        let kept = from_imported(&Icon {
            mime: "image/jpeg".into(),
            data: jpeg,
        })
        .unwrap();
        assert_eq!(parse(&kept).unwrap().mime, "image/png");
        assert!(from_imported(&Icon {
            mime: "image/png".into(),
            data: b"garbage".to_vec(),
        })
        .is_none());
        let twofas = br#"{"selected":"Label","label":{"text":"DE","backgroundColor":"Yellow"}}"#;
        let kept = from_imported(&Icon {
            mime: TWOFAS_MIME.into(),
            data: twofas.to_vec(),
        })
        .unwrap();
        let d = parse(&kept).unwrap();
        assert_eq!(
            (d.mime.as_str(), d.bytes.as_slice(), is_picture(&kept)),
            (TWOFAS_MIME, &twofas[..], false)
        );
        assert!(from_imported(&Icon {
            mime: TWOFAS_MIME.into(),
            data: b"[1]".to_vec(),
        })
        .is_none());
    }
}
