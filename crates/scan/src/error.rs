//! The one error type of apiq-scan. Messages name what went wrong with the
//! input (never its content: a QR payload may hold a secret).

use thiserror::Error;

/// Why an image could not be read or a text could not be rendered.
#[derive(Debug, Error)]
pub enum ScanError {
    /// The bytes are not an image in a format we read (PNG, JPEG, WebP, GIF, BMP).
    #[error("not a supported image (PNG, JPEG, WebP, GIF or BMP)")]
    UnsupportedFormat,
    /// The format was recognised but the image data is corrupt or truncated.
    #[error("cannot decode the {format} image: {reason}")]
    Decode {
        /// The sniffed format, e.g. "PNG".
        format: &'static str,
        /// The image decoder's message.
        reason: String,
    },
    /// The image is larger than we are willing to decode (decompression-bomb guard).
    #[error("image too large: {width}x{height} pixels (limit {limit} megapixels)")]
    TooLarge {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// The limit, in millions of pixels.
        limit: u32,
    },
    /// The image claims more pixels than its file could hold: truncated,
    /// blank or a decompression bomb (see [`MAX_PIXELS_PER_BYTE`](crate::decode::MAX_PIXELS_PER_BYTE)).
    #[error(
        "image too large for its file: {width}x{height} pixels in {bytes} bytes (damaged, blank or a decompression bomb)"
    )]
    TooLargeForFile {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// The file's size in bytes.
        bytes: usize,
    },
    /// The text does not fit in a QR code (at most 2953 bytes at the lowest error correction).
    #[error("text too long for a QR code ({len} bytes)")]
    TextTooLong {
        /// Length of the text in bytes.
        len: usize,
    },
    /// The QR encoder refused the text for another reason.
    #[error("cannot encode the text as a QR code: {0}")]
    Encode(String),
    /// Writing the PNG failed.
    #[error("cannot write the PNG: {0}")]
    Png(String),
    /// A module size of 0 or one giving an absurdly large image.
    #[error("module size must be 1 to {max} pixels, got {got}")]
    ModuleSize {
        /// The size asked for.
        got: u32,
        /// The largest accepted size.
        max: u32,
    },
}
