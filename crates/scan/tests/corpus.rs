//! The QR corpus gate: apiq-scan must read at least 95 % of the generated
//! corpus overall, and no degradation class less often than zbarimg does.
//! Skips (saying why) only when the corpus tools are missing; the
//! `scripts/deps-scan.sh` script installs them.

#[path = "support/corpus.rs"]
mod corpus;

#[test]
fn corpus_meets_target_and_beats_zbarimg_per_class() {
    let samples = match corpus::ensure_corpus() {
        Ok(s) => s,
        Err(reason) => {
            eprintln!("SKIPPED corpus test: {reason}");
            return;
        }
    };
    if !corpus::have_zbarimg() {
        eprintln!("SKIPPED corpus test: zbarimg missing; run scripts/deps-scan.sh");
        return;
    }
    assert!(samples.len() >= 100, "corpus too small: {}", samples.len());
    let report = corpus::evaluate(&samples);
    eprintln!("{}", corpus::table(&report));
    for (class, path, got) in &report.our_failures {
        eprintln!(
            "not read: {class} {} (decoded {} texts)",
            path.display(),
            got.len()
        );
    }

    let overall = report.total.ours_rate();
    assert!(overall >= 95.0, "overall {overall:.1} % < 95 %");
    let behind: Vec<String> = report
        .classes
        .iter()
        .filter(|(_, st)| st.ours_ok < st.zbar_ok)
        .map(|(c, st)| {
            format!(
                "{c}: {:.1} % < zbarimg {:.1} %",
                st.ours_rate(),
                st.zbar_rate()
            )
        })
        .collect();
    assert!(behind.is_empty(), "classes behind zbarimg: {behind:?}");
}
