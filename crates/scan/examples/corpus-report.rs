//! Prints the QR corpus report: per-class success of apiq-scan next to
//! zbarimg on the same files, as a Markdown table.
//!
//! `cargo run -p apiq-scan --example corpus-report` (generates the corpus
//! into tests/qr-corpus/out/ first if needed; `QR_CORPUS_N` sets images per
//! class). Timings are wall-clock per image with both decoders running on all
//! cores at once: indicative only, the criterion benchmark has the real figures.

#[path = "../tests/support/corpus.rs"]
mod corpus;

fn main() {
    let samples = match corpus::ensure_corpus() {
        Ok(s) => s,
        Err(reason) => {
            eprintln!("error: {reason}");
            std::process::exit(2);
        }
    };
    if !corpus::have_zbarimg() {
        eprintln!("error: zbarimg missing; run scripts/deps-scan.sh");
        std::process::exit(2);
    }
    let report = corpus::evaluate(&samples);
    print!("{}", corpus::table(&report));
    for (class, path, got) in &report.our_failures {
        println!(
            "not read: {class} {} (decoded {} texts)",
            path.display(),
            got.len()
        );
    }
}
