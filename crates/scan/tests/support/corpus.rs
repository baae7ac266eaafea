//! The QR corpus harness shared by the `corpus` integration test and the
//! `corpus-report` example: makes sure the corpus of `tests/qr-corpus/` is
//! generated, decodes every image with apiq-scan and with `zbarimg` (the
//! baseline, one process per image as a user would run it), and tabulates
//! success per degradation class.
//!
//! An image counts as read only when *every* text it holds was decoded (two
//! or three for the `multi` class) and nothing else was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// zbarimg as the baseline: quiet, raw bytes, QR only (with every symbology
/// on, it also "reads" 1D barcodes out of QR modules now and then).
pub const ZBARIMG_ARGS: [&str; 5] = ["-q", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable"];

/// One image of the corpus.
pub struct Sample {
    pub class: String,
    pub path: PathBuf,
    pub expected: Vec<String>,
}

/// Results of one decoder on one image.
pub struct Outcome {
    pub ok: bool,
    pub ms: f64,
}

/// Per-class tallies.
#[derive(Default, Clone)]
pub struct ClassStats {
    pub n: usize,
    pub ours_ok: usize,
    pub zbar_ok: usize,
    pub ours_ms: f64,
    pub zbar_ms: f64,
}

impl ClassStats {
    pub fn ours_rate(&self) -> f64 {
        100.0 * self.ours_ok as f64 / self.n.max(1) as f64
    }
    pub fn zbar_rate(&self) -> f64 {
        100.0 * self.zbar_ok as f64 / self.n.max(1) as f64
    }
}

/// The whole run.
pub struct Report {
    /// Class name → tallies, in the generator's class order.
    pub classes: Vec<(String, ClassStats)>,
    pub total: ClassStats,
    /// Images we did not read: (class, path, what we decoded).
    pub our_failures: Vec<(String, PathBuf, Vec<String>)>,
}

/// `tests/qr-corpus` of the repository.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/qr-corpus")
}

/// Generates the corpus (a no-op when it is up to date) and reads its
/// manifest. `Err` carries the reason the corpus cannot be had (tools missing).
pub fn ensure_corpus() -> Result<Vec<Sample>, String> {
    let dir = corpus_dir();
    let out = dir.join("out");
    let status = Command::new("python3")
        .arg(dir.join("generate.py"))
        .arg("--out")
        .arg(&out)
        .status()
        .map_err(|e| format!("cannot run python3 ({e}); run scripts/deps-scan.sh"))?;
    match status.code() {
        Some(0) => {}
        Some(2) => {
            return Err("qrencode/ImageMagick missing (see above); run scripts/deps-scan.sh".into())
        }
        _ => panic!("tests/qr-corpus/generate.py failed: {status}"),
    }
    let manifest = std::fs::read_to_string(out.join("manifest.tsv"))
        .unwrap_or_else(|e| panic!("corpus manifest unreadable: {e}"));
    Ok(manifest
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut f = line.split('\t');
            let class = f.next().unwrap_or_default().to_owned();
            let path = out.join(f.next().unwrap_or_default());
            Sample {
                class,
                path,
                expected: f.map(str::to_owned).collect(),
            }
        })
        .collect())
}

/// Is `zbarimg` on PATH?
pub fn have_zbarimg() -> bool {
    Command::new("zbarimg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn matches(expected: &[String], got: &[String]) -> bool {
    expected.iter().all(|e| got.contains(e)) && got.iter().all(|g| expected.contains(g))
}

fn ours(sample: &Sample) -> (Outcome, Vec<String>) {
    let bytes = std::fs::read(&sample.path).unwrap_or_else(|e| panic!("{:?}: {e}", sample.path));
    let t = Instant::now();
    let got = apiq_scan::decode_bytes(&bytes).unwrap_or_default();
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let ok = matches(&sample.expected, &got);
    (Outcome { ok, ms }, got)
}

fn zbar(sample: &Sample) -> Outcome {
    let t = Instant::now();
    let out = Command::new("zbarimg")
        .args(ZBARIMG_ARGS)
        .arg(&sample.path)
        .output();
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let got: Vec<String> = match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        Err(_) => Vec::new(),
    };
    Outcome {
        ok: matches(&sample.expected, &got),
        ms,
    }
}

/// Both decoders on one image.
struct Evaluated {
    ours: Outcome,
    got: Vec<String>,
    zbar: Outcome,
}

/// Runs both decoders over the corpus, on all cores.
pub fn evaluate(samples: &[Sample]) -> Report {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Evaluated>> = Vec::new();
    results.resize_with(samples.len(), || None);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(sample) = samples.get(i) else { break };
                        let (ours, got) = ours(sample);
                        done.push((
                            i,
                            Evaluated {
                                ours,
                                got,
                                zbar: zbar(sample),
                            },
                        ));
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().expect("corpus worker panicked") {
                results[i] = Some(r);
            }
        }
    });

    let mut order: Vec<String> = Vec::new();
    let mut by_class: BTreeMap<String, ClassStats> = BTreeMap::new();
    let mut total = ClassStats::default();
    let mut our_failures = Vec::new();
    for (sample, r) in samples.iter().zip(results) {
        let Evaluated {
            ours: o,
            got,
            zbar: z,
        } = r.expect("every sample evaluated");
        if !by_class.contains_key(&sample.class) {
            order.push(sample.class.clone());
        }
        for st in [
            by_class.entry(sample.class.clone()).or_default(),
            &mut total,
        ] {
            st.n += 1;
            st.ours_ok += usize::from(o.ok);
            st.zbar_ok += usize::from(z.ok);
            st.ours_ms += o.ms;
            st.zbar_ms += z.ms;
        }
        if !o.ok {
            our_failures.push((sample.class.clone(), sample.path.clone(), got));
        }
    }
    Report {
        classes: order
            .into_iter()
            .map(|c| {
                let st = by_class.remove(&c).unwrap_or_default();
                (c, st)
            })
            .collect(),
        total,
        our_failures,
    }
}

/// The report as a Markdown table (decoded texts are not printed: in real
/// use they are secrets, and here they are long).
pub fn table(report: &Report) -> String {
    let mut s = String::from(
        "| class | images | apiq-scan | zbarimg | apiq-scan ms/img | zbarimg ms/img |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let row = |name: &str, st: &ClassStats| {
        format!(
            "| {name} | {} | {:.1} % | {:.1} % | {:.1} | {:.1} |\n",
            st.n,
            st.ours_rate(),
            st.zbar_rate(),
            st.ours_ms / st.n.max(1) as f64,
            st.zbar_ms / st.n.max(1) as f64,
        )
    };
    for (c, st) in &report.classes {
        s += &row(c, st);
    }
    s += &row("**overall**", &report.total);
    s
}
