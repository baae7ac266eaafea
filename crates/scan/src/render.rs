//! Rendering a text as a QR code: PNG, SVG, or unicode half blocks for a terminal.
//!
//! Promises: every rendering carries the standard 4-module quiet zone, uses
//! the smallest code that holds the text at error-correction level M (L when
//! the text only fits at L), and is dark-on-light. The terminal rendering sets
//! its own colours (black on bright white, reset at the end of every line), so
//! it scans the same on light and dark terminals: without that, a dark
//! terminal would show the code inverted and without a visible quiet zone.

use image::{GrayImage, ImageEncoder, Luma};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, QrCode};

use crate::ScanError;

/// Quiet zone width in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// Largest module size [`render_png`](crate::render_png) accepts, in pixels.
pub const MAX_MODULE_PX: u32 = 64;

/// ANSI: black foreground on bright white background.
const TERM_COLOURS: &str = "\x1b[30;107m";
/// ANSI: back to the terminal's own colours.
const TERM_RESET: &str = "\x1b[0m";

/// Encodes `text`, preferring error-correction level M and falling back to L.
pub fn encode(text: &str) -> Result<QrCode, ScanError> {
    match QrCode::with_error_correction_level(text, EcLevel::M) {
        Ok(code) => Ok(code),
        Err(QrError::DataTooLong) => {
            QrCode::with_error_correction_level(text, EcLevel::L).map_err(|e| match e {
                QrError::DataTooLong => ScanError::TextTooLong { len: text.len() },
                other => ScanError::Encode(other.to_string()),
            })
        }
        Err(other) => Err(ScanError::Encode(other.to_string())),
    }
}

/// The code as a grey image, `module_px` pixels per module, quiet zone included.
pub fn to_image(text: &str, module_px: u32) -> Result<GrayImage, ScanError> {
    if module_px == 0 || module_px > MAX_MODULE_PX {
        return Err(ScanError::ModuleSize {
            got: module_px,
            max: MAX_MODULE_PX,
        });
    }
    Ok(encode(text)?
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module_px, module_px)
        .build())
}

/// PNG bytes of [`to_image`].
pub fn png(text: &str, module_px: u32) -> Result<Vec<u8>, ScanError> {
    let img = to_image(text, module_px)?;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(|e| ScanError::Png(e.to_string()))?;
    Ok(out)
}

/// An SVG document, 8 user units per module, quiet zone included.
pub fn svg(text: &str) -> Result<String, ScanError> {
    Ok(encode(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// Unicode half blocks, two module rows per text line, colours set explicitly.
pub fn terminal(text: &str) -> Result<String, ScanError> {
    let code = encode(text)?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    // dark(x, y) in the coordinates of the code with its quiet zone
    let dark = |x: usize, y: usize| -> bool {
        let (Some(cx), Some(cy)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        cx < width && cy < width && colors[cy * width + cx] == Color::Dark
    };
    let mut out = String::with_capacity((size + 16) * size.div_ceil(2) * 3);
    for y in (0..size).step_by(2) {
        out.push_str(TERM_COLOURS);
        for x in 0..size {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push_str(TERM_RESET);
        out.push('\n');
    }
    Ok(out)
}
