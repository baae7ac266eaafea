//! Unit tests of the public API: render → decode round trips, the image
//! formats, inverted and transparent codes, several codes in one image and
//! their order, the terminal rendering read back, and refusals.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, Luma, LumaA};

use crate::render::{to_image, QUIET_ZONE};
use crate::{decode_bytes, decode_image, render_png, render_svg, render_terminal, ScanError};

const TOTP: &str =
    "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const HOTP: &str =
    "otpauth://hotp/Example%20Bank%3Abob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=42&digits=8";
const STEAM: &str = "otpauth://totp/Steam:carol?secret=ONSWG4TFOQ&issuer=Steam&encoder=steam";

/// A Google Authenticator export of 10 accounts: a large (version ~17) code.
fn migration() -> String {
    let data: String = (0..600)
        .map(|i| {
            char::from(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[i * 7 % 62],
            )
        })
        .collect();
    format!("otpauth-migration://offline?data={data}%2B%2F%3D%3D")
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode test image");
    out.into_inner()
}

fn png(img: GrayImage) -> Vec<u8> {
    encode(&DynamicImage::ImageLuma8(img), ImageFormat::Png)
}

/// `parts` pasted onto a white canvas at the given offsets.
fn canvas(w: u32, h: u32, parts: &[(&GrayImage, u32, u32)]) -> GrayImage {
    let mut c = GrayImage::from_pixel(w, h, Luma([255]));
    for (img, x, y) in parts {
        image::imageops::replace(&mut c, *img, i64::from(*x), i64::from(*y));
    }
    c
}

#[test]
fn png_round_trip_for_payloads_and_module_sizes() {
    let long = migration();
    for text in [TOTP, HOTP, STEAM, long.as_str(), "Grüße, 二要素認証"] {
        for module in [2, 3, 5, 10] {
            let bytes = render_png(text, module).expect("render");
            assert_eq!(
                decode_bytes(&bytes).expect("decode"),
                vec![text.to_owned()],
                "{module} px/module, {} bytes",
                text.len()
            );
        }
    }
}

#[test]
fn png_has_the_quiet_zone() {
    let img = to_image(TOTP, 4).expect("render");
    let border = QUIET_ZONE as u32 * 4;
    let white = |x: u32, y: u32| img.get_pixel(x, y).0[0] == 255;
    for i in 0..img.width() {
        for j in 0..border {
            assert!(
                white(i, j) && white(j, i),
                "dark pixel in the quiet zone at {i},{j}"
            );
        }
    }
    // and the code starts right after it: the finder pattern's corner is dark
    assert!(!white(border, border));
}

#[test]
fn every_supported_format_decodes() {
    let img = DynamicImage::ImageLuma8(to_image(TOTP, 4).expect("render"));
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    for (format, img) in [
        (ImageFormat::Png, &img),
        (ImageFormat::Jpeg, &rgb),
        (ImageFormat::WebP, &rgb),
        (ImageFormat::Gif, &rgb),
        (ImageFormat::Bmp, &rgb),
    ] {
        let bytes = encode(img, format);
        assert_eq!(
            decode_bytes(&bytes).expect("decode"),
            vec![TOTP],
            "{format:?}"
        );
    }
}

#[test]
fn inverted_code_is_found() {
    let mut img = to_image(HOTP, 4).expect("render");
    image::imageops::invert(&mut img);
    assert_eq!(decode_bytes(&png(img)).expect("decode"), vec![HOTP]);
}

#[test]
fn transparent_background_counts_as_white() {
    // dark modules opaque black, light modules fully transparent *black*
    let code = to_image(STEAM, 4).expect("render");
    let la = image::ImageBuffer::from_fn(code.width(), code.height(), |x, y| {
        if code.get_pixel(x, y).0[0] < 128 {
            LumaA([0u8, 255])
        } else {
            LumaA([0u8, 0])
        }
    });
    let bytes = encode(&DynamicImage::ImageLumaA8(la), ImageFormat::Png);
    assert_eq!(decode_bytes(&bytes).expect("decode"), vec![STEAM]);
}

#[test]
fn two_codes_side_by_side_come_left_to_right() {
    let a = to_image(TOTP, 4).expect("render");
    let b = to_image(HOTP, 4).expect("render");
    let img = canvas(
        a.width() + b.width() + 40,
        a.height().max(b.height()) + 20,
        &[(&b, a.width() + 30, 15), (&a, 10, 5)],
    );
    assert_eq!(decode_bytes(&png(img)).expect("decode"), vec![TOTP, HOTP]);
}

#[test]
fn four_codes_come_in_reading_order() {
    let texts = [TOTP, HOTP, STEAM, "otpauth://totp/x?secret=MZXW6YTBOI"];
    let imgs: Vec<GrayImage> = texts
        .iter()
        .map(|t| to_image(t, 3).expect("render"))
        .collect();
    let cell = imgs.iter().map(|i| i.width()).max().unwrap_or(0) + 30;
    // placed out of order; small vertical jitter within a row must not matter
    let img = canvas(
        2 * cell,
        2 * cell,
        &[
            (&imgs[3], cell, cell + 3),
            (&imgs[1], cell, 0),
            (&imgs[2], 0, cell),
            (&imgs[0], 0, 9),
        ],
    );
    assert_eq!(decode_bytes(&png(img)).expect("decode"), texts.to_vec());
}

#[test]
fn rows_follow_code_size_not_a_fixed_band() {
    let a = to_image(TOTP, 6).expect("render");
    let b = to_image(HOTP, 6).expect("render");
    let (w, h) = (a.width() + b.width() + 20, a.height() + b.height() + 100);
    // a row whose left code sits 70 px lower: still one row, left to right
    let uneven = canvas(w, h, &[(&a, 0, 70), (&b, a.width() + 20, 0)]);
    assert_eq!(
        decode_bytes(&png(uneven)).expect("decode"),
        vec![TOTP, HOTP]
    );
    // the left code a full code lower: two rows, the right (upper) one first
    let stairs = canvas(w, h, &[(&a, 0, b.height() + 10), (&b, a.width() + 20, 0)]);
    assert_eq!(
        decode_bytes(&png(stairs)).expect("decode"),
        vec![HOTP, TOTP]
    );
}

#[test]
fn the_same_code_twice_is_reported_once() {
    let a = to_image(TOTP, 3).expect("render");
    let img = canvas(
        2 * a.width() + 20,
        a.height(),
        &[(&a, 0, 0), (&a, a.width() + 20, 0)],
    );
    assert_eq!(decode_bytes(&png(img)).expect("decode"), vec![TOTP]);
}

#[test]
fn small_code_in_a_large_screenshot() {
    // 2 px per module in a 1920x1080 RGB frame with a busy (striped) background
    let code = to_image(TOTP, 2).expect("render");
    let mut shot = image::RgbImage::from_fn(1920, 1080, |x, y| {
        let v = ((x / 7 + y / 5) % 3) as u8 * 60 + 40;
        image::Rgb([v, 255 - v, (x % 256) as u8])
    });
    let rgb = DynamicImage::ImageLuma8(code).to_rgb8();
    image::imageops::replace(&mut shot, &rgb, 1337, 711);
    assert_eq!(decode_image(&DynamicImage::ImageRgb8(shot)), vec![TOTP]);
}

#[test]
fn image_without_code_is_ok_and_empty() {
    let blank = GrayImage::from_pixel(300, 200, Luma([255]));
    assert_eq!(
        decode_bytes(&png(blank)).expect("decode"),
        Vec::<String>::new()
    );
    let tiny = GrayImage::from_pixel(1, 1, Luma([0]));
    assert_eq!(
        decode_bytes(&png(tiny)).expect("decode"),
        Vec::<String>::new()
    );
}

#[test]
fn garbage_is_an_unsupported_format() {
    for bytes in [
        &b""[..],
        b"hello, world",
        &[0u8; 64],
        b"otpauth://totp/x?secret=AAAA",
    ] {
        assert!(
            matches!(decode_bytes(bytes), Err(ScanError::UnsupportedFormat)),
            "{bytes:?}"
        );
    }
    // a real format we do not read (TIFF)
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&[0; 60]);
    assert!(matches!(
        decode_bytes(&tiff),
        Err(ScanError::UnsupportedFormat)
    ));
}

#[test]
fn truncated_image_is_a_decode_error() {
    let bytes = render_png(TOTP, 4).expect("render");
    let err = decode_bytes(&bytes[..bytes.len() / 2]).expect_err("truncated");
    assert!(
        matches!(err, ScanError::Decode { format: "PNG", .. }),
        "{err}"
    );
}

/// A PNG whose header claims `w`x`h` pixels, then `pad` bytes in a private
/// ancillary chunk (decoders skip it), then one tiny IDAT.
fn png_claiming(w: u32, h: u32, pad: usize) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey
    chunk(&mut out, b"IHDR", &ihdr);
    if pad > 0 {
        chunk(&mut out, b"prVt", &vec![0; pad]);
    }
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn decompression_bomb_is_refused_before_decoding() {
    let err = decode_bytes(&png_claiming(20_000, 20_000, 0)).expect_err("too large");
    assert!(
        matches!(
            err,
            ScanError::TooLarge {
                width: 20_000,
                height: 20_000,
                limit: 100
            }
        ),
        "{err}"
    );
    // under the limit, but far more pixels than 70 bytes could hold
    let bomb = png_claiming(10_000, 10_000, 0);
    let err = decode_bytes(&bomb).expect_err("too large for its file");
    assert!(
        matches!(
            err,
            ScanError::TooLargeForFile { width: 10_000, height: 10_000, bytes } if bytes == bomb.len()
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "image too large for its file: 10000x10000 pixels in {} bytes (damaged, blank or a decompression bomb)",
            bomb.len()
        )
    );
}

#[test]
fn the_pixels_a_file_may_claim_grow_with_its_size() {
    use crate::decode::{ANY_FILE_PIXELS, MAX_PIXELS_PER_BYTE};
    // Not refused for its size, each of these fails as truncated instead:
    // up to ANY_FILE_PIXELS whatever the file's size,
    let err = decode_bytes(&png_claiming(2048, 2048, 0)).expect_err("truncated");
    assert!(matches!(err, ScanError::Decode { .. }), "{err}");
    // and above it with enough bytes for the pixels.
    let (w, h) = (3000u32, 3000u32);
    let px = u64::from(w) * u64::from(h);
    assert!(px > ANY_FILE_PIXELS);
    let short = png_claiming(w, h, 0);
    let need = px.div_ceil(MAX_PIXELS_PER_BYTE) as usize;
    // (the padding chunk's length, name and CRC take 12 bytes)
    let enough = png_claiming(w, h, need - short.len() - 12);
    assert_eq!(enough.len(), need);
    let err = decode_bytes(&enough).expect_err("truncated");
    assert!(matches!(err, ScanError::Decode { .. }), "{err}");
    // One byte fewer is refused.
    let one_short = png_claiming(w, h, need - short.len() - 13);
    let err = decode_bytes(&one_short).expect_err("too large for its file");
    assert!(matches!(err, ScanError::TooLargeForFile { .. }), "{err}");
}

/// What the fuzzer found (`scripts/fuzz.sh`, scan_decode): 31 bytes of GIF
/// claiming 9609x3408 pixels, for which the GIF decoder allocated two
/// 131 MB frames before finding the data missing.
#[test]
fn the_fuzzers_31_byte_gif_is_refused_before_decoding() {
    let gif = b"GIF87a\x89\x25\x50\x0d\x00\x00\x00\x2c\x42\x0a\x4e\x7a\x89\x50\x00\x00\xd8\xff\xc4\x62\x00\x00\x00\x01\x2b";
    assert_eq!(gif.len(), 31);
    let err = decode_bytes(gif).expect_err("too large for its file");
    assert!(
        matches!(
            err,
            ScanError::TooLargeForFile {
                width: 9609,
                height: 3408,
                bytes: 31
            }
        ),
        "{err}"
    );
}

#[test]
fn a_large_mostly_blank_picture_is_read() {
    // A code at 4 px per module on 4.4 megapixels of white: a well
    // compressed file, above ANY_FILE_PIXELS, still read.
    let code = to_image(TOTP, 4).expect("render");
    let page = png(canvas(2200, 2000, &[(&code, 900, 800)]));
    let px = 2200 * 2000;
    assert!(px > crate::decode::ANY_FILE_PIXELS);
    assert!(
        page.len() < (px / 100) as usize,
        "{} bytes: not the compressed case this test is for",
        page.len()
    );
    assert_eq!(decode_bytes(&page).expect("decode"), vec![TOTP]);
}

/// Reads a terminal rendering back into a module image (1 px per module).
fn terminal_to_image(rendered: &str) -> GrayImage {
    let lines: Vec<Vec<char>> = rendered
        .lines()
        .map(|l| {
            let body = l
                .strip_prefix("\x1b[30;107m")
                .and_then(|l| l.strip_suffix("\x1b[0m"))
                .unwrap_or_else(|| panic!("line without colours: {l:?}"));
            body.chars().collect()
        })
        .collect();
    let w = lines[0].len() as u32;
    let h = 2 * lines.len() as u32;
    GrayImage::from_fn(w, h, |x, y| {
        let c = lines[(y / 2) as usize][x as usize];
        let dark = match c {
            '█' => true,
            '▀' => y % 2 == 0,
            '▄' => y % 2 == 1,
            ' ' => false,
            other => panic!("unexpected glyph {other:?}"),
        };
        Luma([if dark { 0 } else { 255 }])
    })
}

#[test]
fn terminal_rendering_reads_back() {
    for text in [TOTP, STEAM, migration().as_str()] {
        let rendered = render_terminal(text).expect("render");
        let modules = terminal_to_image(&rendered);
        // all lines the same width, and the quiet zone is blank
        assert!(
            rendered
                .lines()
                .all(|l| l.chars().count()
                    == rendered.lines().next().map_or(0, |f| f.chars().count()))
        );
        assert!(modules
            .rows()
            .take(QUIET_ZONE)
            .flatten()
            .all(|p| p.0[0] == 255));
        let big = image::imageops::resize(
            &modules,
            modules.width() * 4,
            modules.height() * 4,
            image::imageops::FilterType::Nearest,
        );
        assert_eq!(
            decode_bytes(&png(big)).expect("decode"),
            vec![text.to_owned()]
        );
    }
}

#[test]
fn svg_is_a_document_with_the_quiet_zone() {
    let svg = render_svg(TOTP).expect("render");
    let modules = crate::render::encode(TOTP).expect("encode").width() + 2 * QUIET_ZONE;
    assert!(svg.starts_with("<?xml"), "{}", &svg[..40]);
    assert!(
        svg.contains(&format!("width=\"{}\"", modules * 8)),
        "{}",
        &svg[..200]
    );
    assert!(svg.trim_end().ends_with("</svg>"));
}

#[test]
fn rendering_refusals() {
    let too_long = "A".repeat(8000);
    assert!(matches!(
        render_png(&too_long, 4),
        Err(ScanError::TextTooLong { len: 8000 })
    ));
    assert!(matches!(
        render_svg(&too_long),
        Err(ScanError::TextTooLong { .. })
    ));
    assert!(matches!(
        render_terminal(&too_long),
        Err(ScanError::TextTooLong { .. })
    ));
    assert!(matches!(
        render_png(TOTP, 0),
        Err(ScanError::ModuleSize { got: 0, .. })
    ));
    assert!(matches!(
        render_png(TOTP, 65),
        Err(ScanError::ModuleSize { got: 65, .. })
    ));
    // errors never repeat the text (it may hold a secret)
    let msg = render_png(&"s".repeat(3000), 4)
        .expect_err("too long")
        .to_string();
    assert!(!msg.contains("SSSS"), "{msg}");
}
