//! Milliseconds per decoded image (bytes in, texts out, image decoding
//! included, as `apiq scan` does it) for clean, degraded and screenshot images
//! of the QR corpus, against the floors measured for the issue: zbarimg 15 ms
//! clean and 124 ms per screenshot (one process per image), rxing in-process
//! about 1.5 ms clean. After criterion's figures it prints a summary with the
//! ratio to those floors, and zbarimg on the same files when it is installed.
//! The `no-code` set is the worst case: a screenshot without any code, where
//! every pass of the plan runs.
//!
//! `cargo bench -p apiq-scan --bench decode` (generates the corpus first if
//! needed; without the corpus tools it falls back to synthetic images).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "../tests/support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

struct Set {
    name: &'static str,
    /// (file or label, bytes, texts expected)
    images: Vec<(String, Vec<u8>, usize)>,
    /// (what, ms per image) floors from the issue
    floors: &'static [(&'static str, f64)],
}

const DEGRADED: &[&str] = &[
    "rot7", "rot30", "rot45", "rot90", "blur", "noise", "jpeg30", "scale60", "invert",
];

fn sets() -> Vec<Set> {
    let pick =
        |samples: &[corpus::Sample], class: &str, n: usize| -> Vec<(String, Vec<u8>, usize)> {
            samples
                .iter()
                .filter(|s| s.class == class)
                .filter(|s| {
                    // only images apiq-scan reads: ms per *decoded* image
                    apiq_scan::decode_bytes(&std::fs::read(&s.path).unwrap_or_default())
                        .is_ok_and(|t| t.len() == s.expected.len())
                })
                .take(n)
                .map(|s| {
                    let bytes = std::fs::read(&s.path).unwrap_or_default();
                    (s.path.display().to_string(), bytes, s.expected.len())
                })
                .collect()
        };
    match corpus::ensure_corpus() {
        Ok(samples) => vec![
            Set {
                name: "clean",
                images: pick(&samples, "clean", 10),
                floors: &[("zbarimg", 15.0), ("rxing", 1.5)],
            },
            Set {
                name: "degraded",
                images: DEGRADED.iter().flat_map(|c| pick(&samples, c, 2)).collect(),
                floors: &[],
            },
            Set {
                name: "screenshot",
                images: pick(&samples, "screenshot", 6),
                floors: &[("zbarimg", 124.0)],
            },
            // the worst case: a screenshot without a code runs every pass
            Set {
                name: "no-code",
                images: backgrounds(2),
                floors: &[("zbarimg", 124.0)],
            },
        ],
        Err(reason) => {
            eprintln!("corpus unavailable ({reason}): synthetic images only");
            vec![
                Set {
                    name: "clean",
                    images: vec![synthetic_clean()],
                    floors: &[("zbarimg", 15.0), ("rxing", 1.5)],
                },
                Set {
                    name: "screenshot",
                    images: vec![synthetic_screenshot()],
                    floors: &[("zbarimg", 124.0)],
                },
            ]
        }
    }
}

/// The corpus's 1920x1080 screenshot backgrounds, which hold no code.
fn backgrounds(n: usize) -> Vec<(String, Vec<u8>, usize)> {
    (0..n)
        .filter_map(|i| {
            let path = corpus::corpus_dir().join(format!("out/_backgrounds/bg{i}.png"));
            let bytes = std::fs::read(&path).ok()?;
            Some((path.display().to_string(), bytes, 0))
        })
        .collect()
}

const URI: &str = "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";

fn synthetic_clean() -> (String, Vec<u8>, usize) {
    let png = apiq_scan::render_png(URI, 4).expect("render");
    ("synthetic clean".into(), png, 1)
}

fn synthetic_screenshot() -> (String, Vec<u8>, usize) {
    let code = apiq_scan::render::to_image(URI, 3).expect("render");
    let mut shot = image::RgbImage::from_fn(1920, 1080, |x, y| {
        let v = ((x / 7 + y / 5) % 3) as u8 * 60 + 40;
        image::Rgb([v, 255 - v, (x % 256) as u8])
    });
    let rgb = image::DynamicImage::ImageLuma8(code).to_rgb8();
    image::imageops::replace(&mut shot, &rgb, 1300, 700);
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(shot)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    ("synthetic screenshot".into(), out.into_inner(), 1)
}

fn decode_all(set: &Set) -> usize {
    set.images
        .iter()
        .map(|(_, bytes, _)| {
            black_box(apiq_scan::decode_bytes(black_box(bytes)).map_or(0, |t| t.len()))
        })
        .sum()
}

/// Mean ms per image over `rounds` passes over the set.
fn ms_per_image(set: &Set, rounds: u32) -> f64 {
    let t = Instant::now();
    for _ in 0..rounds {
        decode_all(set);
    }
    t.elapsed().as_secs_f64() * 1e3 / f64::from(rounds) / set.images.len() as f64
}

fn zbarimg_ms(set: &Set) -> Option<f64> {
    if !corpus::have_zbarimg() {
        return None;
    }
    let mut paths = Vec::new();
    let mut written = Vec::new();
    for (i, (name, bytes, _)) in set.images.iter().enumerate() {
        if std::path::Path::new(name).exists() {
            paths.push(PathBuf::from(name));
        } else {
            let p = std::env::temp_dir().join(format!("apiq-scan-bench-{i}.png"));
            std::fs::write(&p, bytes).ok()?;
            written.push(p.clone());
            paths.push(p);
        }
    }
    let t = Instant::now();
    for p in &paths {
        Command::new("zbarimg")
            .args(corpus::ZBARIMG_ARGS)
            .arg(p)
            .output()
            .ok()?;
    }
    let ms = t.elapsed().as_secs_f64() * 1e3 / paths.len() as f64;
    for p in written {
        let _ = std::fs::remove_file(p);
    }
    Some(ms)
}

fn bench(c: &mut Criterion) {
    let sets = sets();
    for set in &sets {
        if set.images.is_empty() {
            continue;
        }
        let mut g = c.benchmark_group("decode");
        g.throughput(Throughput::Elements(set.images.len() as u64));
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(if set.name == "screenshot" {
            8
        } else {
            4
        }));
        g.bench_function(set.name, |b| b.iter(|| decode_all(set)));
        g.finish();
    }

    println!("\nms per image (bytes → texts, one thread):");
    for set in &sets {
        if set.images.is_empty() {
            continue;
        }
        let ms = ms_per_image(set, 5);
        let mut line = format!(
            "  {:<10} {:>3} images  {ms:8.2} ms",
            set.name,
            set.images.len()
        );
        for (what, floor) in set.floors {
            line += &format!("   {what} floor {floor} ms → ×{:.2}", ms / floor);
        }
        if let Some(z) = zbarimg_ms(set) {
            line += &format!("   zbarimg here {z:.1} ms/process → ×{:.2}", ms / z);
        }
        println!("{line}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
