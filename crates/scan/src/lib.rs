//! apiq-scan: find and decode every QR code in an image; render a text as a QR code.
//!
//! Reading: [`decode_bytes`] takes untrusted image bytes (PNG, JPEG, WebP,
//! GIF, BMP; the format is sniffed from the content), refuses images over
//! [`MAX_PIXELS`], or claiming more pixels than their file could hold,
//! before allocating them, and returns the text of every QR
//! code found: each text once, top to bottom then left to right. No code
//! found is `Ok(vec![])`, not an error. [`decode_image`] does the same for an
//! image already in memory (clipboard, screen capture).
//!
//! The decoder is rxing's port of zxing-cpp's QR detector, run in up to
//! three passes (as given, half size, sharpened; each also inverted for
//! light-on-dark codes) that stop at the first pass finding anything; why
//! these passes is in [`decode`], the measurements in `tests/qr-corpus/README.md`.
//!
//! Writing: [`render_png`], [`render_svg`] and [`render_terminal`], all with
//! the quiet zone (see [`render`]).
//!
//! Nothing here logs, and errors never contain the decoded or encoded text:
//! QR payloads in this project are usually secrets.

pub mod decode;
mod error;
pub mod render;
#[cfg(test)]
mod tests;

pub use decode::MAX_PIXELS;
pub use error::ScanError;

/// Decodes image bytes and returns the text of every QR code in them.
///
/// Errors only when the bytes are not a readable PNG, JPEG, WebP, GIF or BMP
/// image, when the image is larger than [`MAX_PIXELS`], or when it claims more
/// pixels than its file could hold ([`decode::MAX_PIXELS_PER_BYTE`]). An image without a
/// QR code gives `Ok` of an empty vector.
pub fn decode_bytes(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    let img = decode::load(bytes)?;
    Ok(decode_image(&img))
}

/// Returns the text of every QR code in an image: deduplicated, top to bottom,
/// left to right. Light-on-dark codes are found too.
pub fn decode_image(img: &image::DynamicImage) -> Vec<String> {
    let grey = decode::to_grey(img);
    decode::run_plan(&grey, decode::PLAN)
        .into_iter()
        .map(|f| f.text)
        .collect()
}

/// Renders `text` as a PNG QR code, `module_px` pixels per module (1 to 64),
/// quiet zone included.
pub fn render_png(text: &str, module_px: u32) -> Result<Vec<u8>, ScanError> {
    render::png(text, module_px)
}

/// Renders `text` as an SVG QR code (8 units per module), quiet zone included.
pub fn render_svg(text: &str) -> Result<String, ScanError> {
    render::svg(text)
}

/// Renders `text` for a terminal: unicode half blocks, two module rows per
/// line, black on white set with ANSI colours so it reads on light and dark
/// terminals alike, quiet zone included. Every line ends with a newline.
pub fn render_terminal(text: &str) -> Result<String, ScanError> {
    render::terminal(text)
}
