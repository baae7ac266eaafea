//! The measurement behind `decode::PLAN`: for every single pass (preparation
//! × binarisation × polarity) and for the plan itself, the share of each
//! corpus class it reads alone, and its mean time per image.
//!
//! `cargo run --release -p apiq-scan --example pass-matrix` (generates the
//! corpus first if needed). A pass earns a place in the plan only by reading
//! images that the passes before it miss.

use std::collections::BTreeMap;
use std::time::Instant;

use apiq_scan::decode::{self, Pass, Prep, Threshold, PLAN};

#[path = "../tests/support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

const PREPS: [Prep; 4] = [Prep::Full, Prep::Half, Prep::Double, Prep::Sharpened];
const THRESHOLDS: [Threshold; 2] = [Threshold::Hybrid, Threshold::Global];

fn main() {
    let samples = corpus::ensure_corpus().unwrap_or_else(|reason| {
        eprintln!("error: {reason}");
        std::process::exit(2)
    });
    let mut columns: Vec<String> = Vec::new();
    for prep in PREPS {
        for t in THRESHOLDS {
            for inv in ["normal", "inverted"] {
                columns.push(format!("{prep:?}/{t:?}/{inv}"));
            }
        }
    }
    columns.push("PLAN".into());
    let mut classes: Vec<String> = Vec::new();
    // class -> per column (ok, n, ms)
    let mut table: BTreeMap<String, Vec<(usize, usize, f64)>> = BTreeMap::new();
    for s in &samples {
        if !classes.contains(&s.class) {
            classes.push(s.class.clone());
        }
        let bytes = std::fs::read(&s.path).unwrap_or_default();
        let Ok(img) = decode::load(&bytes) else {
            continue;
        };
        let grey = decode::to_grey(&img);
        let row = table
            .entry(s.class.clone())
            .or_insert_with(|| vec![(0, 0, 0.0); columns.len()]);
        let ok = |found: &[decode::Found]| {
            s.expected
                .iter()
                .all(|e| found.iter().any(|f| &f.text == e))
                && found.iter().all(|f| s.expected.contains(&f.text))
        };
        let mut col = 0;
        for prep in PREPS {
            let t = Instant::now();
            let g = decode::prepare(&grey, prep);
            let prep_ms = t.elapsed().as_secs_f64() * 1e3;
            for threshold in THRESHOLDS {
                for inverted in [false, true] {
                    let t = Instant::now();
                    let found = decode::run_pass(&g, threshold, &[inverted]);
                    let ms = t.elapsed().as_secs_f64() * 1e3 + prep_ms;
                    let cell = &mut row[col];
                    *cell = (cell.0 + usize::from(ok(&found)), cell.1 + 1, cell.2 + ms);
                    col += 1;
                }
            }
        }
        let t = Instant::now();
        let found = decode::run_plan(&grey, PLAN);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let cell = &mut row[col];
        *cell = (cell.0 + usize::from(ok(&found)), cell.1 + 1, cell.2 + ms);
    }

    println!(
        "plan: {:?}",
        PLAN.iter()
            .map(|p: &Pass| (p.prep, p.threshold))
            .collect::<Vec<_>>()
    );
    print!("| pass |");
    for c in &classes {
        print!(" {c} |");
    }
    println!(" all | ms/img |");
    println!("|---|{}---:|---:|", "---:|".repeat(classes.len()));
    for (i, name) in columns.iter().enumerate() {
        print!("| {name} |");
        let (mut ok, mut n, mut ms) = (0, 0, 0.0);
        for c in &classes {
            let (o, k, m) = table[c][i];
            print!(" {:.1} |", 100.0 * o as f64 / k.max(1) as f64);
            ok += o;
            n += k;
            ms += m;
        }
        println!(
            " {:.1} | {:.2} |",
            100.0 * ok as f64 / n.max(1) as f64,
            ms / n.max(1) as f64
        );
    }
}
