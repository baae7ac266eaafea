//! Screen capture for "scan the screen": every screen of the X display,
//! read with one `GetImage` of each root window (x11rb, pure Rust; the same
//! crate the clipboard already links). Wayland sessions without XWayland
//! access to other windows get a clear error rather than a black picture.

use image::{DynamicImage, RgbaImage};

use crate::error::{AppError, AppResult};

/// Captures every screen of the display as RGBA images.
#[cfg(target_os = "linux")]
pub fn capture_all() -> AppResult<Vec<DynamicImage>> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};

    if std::env::var_os("DISPLAY").is_none() {
        return Err(AppError::Scan(
            "Scanning the screen needs an X11 session (or XWayland). Save a screenshot and add it as an image instead."
                .into(),
        ));
    }
    let (conn, _) = x11rb::connect(None)
        .map_err(|e| AppError::Scan(format!("The screen cannot be read: {e}.")))?;
    let setup = conn.setup();
    let mut out = Vec::new();
    for screen in &setup.roots {
        let (w, h) = (screen.width_in_pixels, screen.height_in_pixels);
        let reply = conn
            .get_image(ImageFormat::Z_PIXMAP, screen.root, 0, 0, w, h, !0)
            .map_err(|e| AppError::Scan(format!("The screen cannot be read: {e}.")))?
            .reply()
            .map_err(|e| AppError::Scan(format!("The screen cannot be read: {e}.")))?;
        let bpp = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == reply.depth)
            .map(|f| f.bits_per_pixel)
            .unwrap_or(32);
        if bpp != 32 {
            return Err(AppError::Scan(format!(
                "The screen uses {bpp} bits per pixel, which this app cannot read. Save a screenshot and add it as an image instead."
            )));
        }
        out.push(DynamicImage::ImageRgba8(bgrx_to_rgba(
            &reply.data,
            w as u32,
            h as u32,
        )?));
    }
    Ok(out)
}

#[cfg(not(target_os = "linux"))]
pub fn capture_all() -> AppResult<Vec<DynamicImage>> {
    Err(AppError::Scan(
        "Scanning the screen is not available on this system yet. Save a screenshot and add it as an image instead.".into(),
    ))
}

/// 32-bit little-endian X pixels (B, G, R, pad) to RGBA.
pub fn bgrx_to_rgba(data: &[u8], w: u32, h: u32) -> AppResult<RgbaImage> {
    let need = w as usize * h as usize * 4;
    if data.len() < need {
        return Err(AppError::Scan("The screen image is incomplete.".into()));
    }
    let mut rgba = Vec::with_capacity(need);
    for px in data[..need].chunks_exact(4) {
        rgba.extend_from_slice(&[px[2], px[1], px[0], 255]);
    }
    RgbaImage::from_raw(w, h, rgba)
        .ok_or_else(|| AppError::Scan("The screen image is incomplete.".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_bgrx_pixels() {
        let img = bgrx_to_rgba(&[1, 2, 3, 0, 10, 20, 30, 99], 2, 1).unwrap();
        assert_eq!(img.get_pixel(0, 0).0, [3, 2, 1, 255]);
        assert_eq!(img.get_pixel(1, 0).0, [30, 20, 10, 255]);
        assert!(bgrx_to_rgba(&[0; 7], 2, 1).is_err());
    }
}
