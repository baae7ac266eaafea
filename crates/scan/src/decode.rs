//! Finding and decoding QR codes: image bytes → texts.
//!
//! Owns two promises. First, untrusted bytes are safe to hand in: the format
//! is sniffed from the content, the declared dimensions are checked *before*
//! any pixel buffer is allocated (a 40-byte PNG can claim 65535×65535), and
//! the decoder's allocations are capped as well. Two checks: at most
//! [`MAX_PIXELS`], and above [`ANY_FILE_PIXELS`] at most
//! [`MAX_PIXELS_PER_BYTE`] pixels per byte of the file, because decoders
//! allocate the whole picture before they find that the data is missing (a
//! 31-byte GIF claiming 9609×3408 pixels made the GIF decoder take 258 MB
//! in the fuzzer, `tests.rs`).
//! Second, every QR code in the image is reported once, top to bottom, left
//! to right.
//!
//! Decoding runs a short list of passes over the grey image ([`PLAN`]) and
//! stops at the first pass that finds anything, so a clean image costs one
//! binarisation. Every pass looks for dark-on-light codes with zxing-cpp's QR
//! detector (rxing's `QrReader`, all codes in the image), and if it finds
//! none, flips the same bits and looks for light-on-dark ones (dark-mode
//! pages; no decoder reads those by default). The passes were chosen by
//! measurement on the corpus of `tests/qr-corpus` (the `pass-matrix`
//! example prints the table; `tests/qr-corpus/README.md` has the figures).
//! Each pass after the first is there because it reads images the earlier
//! ones miss:
//!
//! 1. the image as given, hybrid (local-threshold) binarisation: everything
//!    but the hardest noise and blur, screenshots included;
//! 2. half size (2×2 averages): noisy codes, where averaging beats the noise;
//! 3. unsharp-masked: codes blurred by σ ≈ module size / 2, whose modules
//!    merge under any threshold until their edges are restored.
//!
//! Measured and left out: the global-histogram binarisation (never read an
//! image the hybrid one missed) and double size (ditto, and slow).
//!
//! Transparent pixels are composited onto white first: a QR PNG with a
//! transparent background and black RGB everywhere would otherwise be all black.

use std::collections::HashSet;
use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, Limits};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, RXingResult};

use crate::ScanError;

/// Largest image we decode, in pixels (100 megapixels, e.g. 10000×10000).
pub const MAX_PIXELS: u64 = 100_000_000;

/// Images up to this many pixels (4 megapixels, e.g. 2560×1600) are decoded
/// however small their file.
pub const ANY_FILE_PIXELS: u64 = 4 << 20;

/// Above [`ANY_FILE_PIXELS`], the most pixels an image may claim per byte of
/// its file. Real pictures stay far below it: the QR corpus's PNGs reach 282,
/// a QR code at 120 px per module 409, a blank white 4K PNG 1,615; only a
/// blank picture of 8K or more goes over it (2,613), and it holds no code.
/// A fuzzer's input (at most 4 KiB) can so claim at most 8.4 megapixels.
pub const MAX_PIXELS_PER_BYTE: u64 = 2048;

/// Cap on what the image decoder may allocate (RGBA of [`MAX_PIXELS`] plus slack).
const MAX_ALLOC: u64 = 4 * MAX_PIXELS + (64 << 20);

/// How the grey image is turned into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Local thresholds per 8×8 block (zxing's HybridBinarizer).
    Hybrid,
    /// One threshold from the histogram (zxing's GlobalHistogramBinarizer).
    Global,
}

/// What is done to the grey image before a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prep {
    /// Nothing.
    Full,
    /// Half width and height (averaging 2×2 blocks).
    Half,
    /// Double width and height (bilinear); skipped above one megapixel.
    Double,
    /// Unsharp mask (σ 1.5, amount 3): restores the edges of blurred modules.
    Sharpened,
}

/// One attempt at the image: binarise, look for dark-on-light codes, and if
/// there are none, flip the same bits and look for light-on-dark ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Preprocessing.
    pub prep: Prep,
    /// Binarisation.
    pub threshold: Threshold,
}

const fn pass(prep: Prep, threshold: Threshold) -> Pass {
    Pass { prep, threshold }
}

/// The passes [`decode_image`](crate::decode_image) runs, in order, until one finds a code.
pub const PLAN: &[Pass] = &[
    pass(Prep::Full, Threshold::Hybrid),
    pass(Prep::Half, Threshold::Hybrid),
    pass(Prep::Sharpened, Threshold::Hybrid),
];

/// Reads image bytes (format sniffed from the content) with the size guard.
pub fn load(bytes: &[u8]) -> Result<DynamicImage, ScanError> {
    let format = image::guess_format(bytes).map_err(|_| ScanError::UnsupportedFormat)?;
    let name = match format {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        ImageFormat::Bmp => "BMP",
        _ => return Err(ScanError::UnsupportedFormat),
    };
    let reader = || ImageReader::with_format(Cursor::new(bytes), format);
    let decode_err = |e: image::ImageError| ScanError::Decode {
        format: name,
        reason: e.to_string(),
    };
    // The header alone: refuse huge images before allocating anything.
    let (width, height) = reader().into_dimensions().map_err(decode_err)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(ScanError::TooLarge {
            width,
            height,
            limit: (MAX_PIXELS / 1_000_000) as u32,
        });
    }
    if pixels > ANY_FILE_PIXELS && pixels > MAX_PIXELS_PER_BYTE.saturating_mul(bytes.len() as u64) {
        return Err(ScanError::TooLargeForFile {
            width,
            height,
            bytes: bytes.len(),
        });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = reader();
    reader.limits(limits);
    reader.decode().map_err(decode_err)
}

/// The image as 8-bit grey, transparent parts composited onto white.
pub fn to_grey(img: &DynamicImage) -> GrayImage {
    if !img.color().has_alpha() {
        return img.to_luma8();
    }
    let la = img.to_luma_alpha8();
    let (w, h) = la.dimensions();
    let data = la
        .pixels()
        .map(|p| {
            let [l, a] = p.0;
            let (l, a) = (u32::from(l), u32::from(a));
            ((l * a + 255 * (255 - a) + 127) / 255) as u8
        })
        .collect();
    GrayImage::from_raw(w, h, data).unwrap_or_else(|| GrayImage::new(w, h))
}

/// A found code: its text, and where it is (for ordering).
#[derive(Debug, Clone)]
pub struct Found {
    /// The decoded text.
    pub text: String,
    /// Centre, in the coordinates of the image given to [`run_plan`].
    pub centre: (f32, f32),
    /// Larger side of the box around its corner points, same coordinates.
    pub size: f32,
}

/// Runs `plan` over a grey image, stopping after the first pass that finds codes.
/// Returns the codes, deduplicated and ordered top-to-bottom, left-to-right.
pub fn run_plan(grey: &GrayImage, plan: &[Pass]) -> Vec<Found> {
    let mut half = None;
    let mut double = None;
    let mut sharp = None;
    for p in plan {
        let (img, factor) = match p.prep {
            Prep::Full => (grey, 1.0),
            Prep::Half => (&*half.get_or_insert_with(|| halve(grey)), 2.0),
            Prep::Double => (&*double.get_or_insert_with(|| enlarge(grey)), 0.5),
            Prep::Sharpened => (&*sharp.get_or_insert_with(|| sharpen(grey)), 1.0),
        };
        let mut found = run_pass(img, p.threshold, &[false, true]);
        if !found.is_empty() {
            for f in &mut found {
                f.centre = (f.centre.0 * factor, f.centre.1 * factor);
                f.size *= factor;
            }
            return order(found);
        }
    }
    Vec::new()
}

/// Prepares `grey` as `prep` does (for measuring single passes).
pub fn prepare(grey: &GrayImage, prep: Prep) -> GrayImage {
    match prep {
        Prep::Full => grey.clone(),
        Prep::Half => halve(grey),
        Prep::Double => enlarge(grey),
        Prep::Sharpened => sharpen(grey),
    }
}

/// One binarisation of one image, then the zxing-cpp QR detector (all codes)
/// for each polarity in `polarities` (`true`: inverted) until one finds codes.
pub fn run_pass(img: &GrayImage, threshold: Threshold, polarities: &[bool]) -> Vec<Found> {
    let (w, h) = img.dimensions();
    // The detector needs room for at least a 21-module code.
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let Ok(source) = Luma8Source::new_with_slice(img.as_raw(), w, h) else {
        return Vec::new();
    };
    match threshold {
        Threshold::Hybrid => detect(BinaryBitmap::new(HybridBinarizer::new(source)), polarities),
        Threshold::Global => detect(
            BinaryBitmap::new(GlobalHistogramBinarizer::new(source)),
            polarities,
        ),
    }
}

fn detect<B: Binarizer>(mut bitmap: BinaryBitmap<B>, polarities: &[bool]) -> Vec<Found> {
    let hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        ..DecodeHints::default()
    };
    let mut inverted = false;
    for &want in polarities {
        if want != inverted {
            bitmap.invert();
            inverted = want;
        }
        let found: Vec<Found> = QrReader
            .decode_multiple_with_hints(&mut bitmap, &hints)
            .unwrap_or_default()
            .iter()
            .filter(|r| *r.getBarcodeFormat() == BarcodeFormat::QR_CODE)
            .map(found)
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn found(r: &RXingResult) -> Found {
    let pts = r.getPoints();
    let n = pts.len().max(1) as f32;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(x, y), p| (x + p.x, y + p.y));
    let extent = |f: fn(&rxing::Point) -> f32| {
        let (lo, hi) = pts
            .iter()
            .map(f)
            .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        (hi - lo).max(0.0)
    };
    Found {
        text: r.getText().to_owned(),
        centre: (sx / n, sy / n),
        size: extent(|p| p.x).max(extent(|p| p.y)),
    }
}

/// Deduplicates by text and sorts in reading order: rows top to bottom, each
/// left to right. A code joins the current row when its centre is less than
/// half a code below the centre of the row's first code, so slightly uneven
/// rows (hand-made collages, rotated photos) still read as rows.
fn order(mut found: Vec<Found>) -> Vec<Found> {
    let mut seen = HashSet::new();
    found.retain(|f| seen.insert(f.text.clone()));
    found.sort_by(|a, b| a.centre.1.total_cmp(&b.centre.1));
    let mut rows: Vec<Vec<Found>> = Vec::new();
    for f in found {
        match rows.last_mut() {
            Some(row) if f.centre.1 - row[0].centre.1 < 0.5 * f.size.min(row[0].size) => {
                row.push(f)
            }
            _ => rows.push(vec![f]),
        }
    }
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by(|a, b| a.centre.0.total_cmp(&b.centre.0));
            row
        })
        .collect()
}

/// Half size, each output pixel the mean of a 2×2 block.
fn halve(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() / 2, img.height() / 2);
    let src = img.as_raw();
    let stride = img.width() as usize;
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        let (r0, r1) = (2 * y * stride, (2 * y + 1) * stride);
        for x in 0..w as usize {
            let s = u32::from(src[r0 + 2 * x])
                + u32::from(src[r0 + 2 * x + 1])
                + u32::from(src[r1 + 2 * x])
                + u32::from(src[r1 + 2 * x + 1]);
            out.push(((s + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Double size, bilinear; skipped (returns an empty image) past a size where
/// it could not help: modules big enough to read are already big enough.
fn enlarge(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    if u64::from(w) * u64::from(h) > 1_000_000 {
        return GrayImage::new(0, 0);
    }
    image::imageops::resize(img, w * 2, h * 2, image::imageops::FilterType::Triangle)
}

/// Unsharp mask: `grey + AMOUNT · (grey − blur(grey, SIGMA))`, clamped.
fn sharpen(img: &GrayImage) -> GrayImage {
    const SIGMA: f32 = 1.5;
    const AMOUNT: i32 = 3;
    let blurred = image::imageops::fast_blur(img, SIGMA);
    let data = img
        .as_raw()
        .iter()
        .zip(blurred.as_raw())
        .map(|(&o, &b)| {
            let (o, b) = (i32::from(o), i32::from(b));
            (o + AMOUNT * (o - b)).clamp(0, 255) as u8
        })
        .collect();
    GrayImage::from_raw(img.width(), img.height(), data).unwrap_or_else(|| img.clone())
}
