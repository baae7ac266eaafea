//! Two (and more) `apiq` processes writing one vault at the same time: every
//! change that reports success is kept; none is lost to another writer.

mod vault_support;

use std::collections::HashSet;

use vault_support::*;

#[test]
fn concurrent_writers_keep_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap().to_string();
    let mut reported = HashSet::new();
    let mut n = 0u64;
    for round in 0..5 {
        // Six processes at once: adds, an import and a rename racing.
        let mut children = Vec::new();
        for p in 0..5 {
            n += 1;
            let mut c = cmd(&["add", "--vault", &v, &uri(&format!("R{round}P{p}"), "a", n)]);
            c.env("APIQ_VAULT_PASSWORD", PW);
            children.push((c.spawn().unwrap(), false));
        }
        let file = dir.path().join(format!("import-{round}.txt"));
        let text: String = (0..3)
            .map(|k| {
                n += 1;
                uri(&format!("I{round}"), &format!("k{k}"), n) + "\n"
            })
            .collect();
        std::fs::write(&file, text).unwrap();
        let mut c = cmd(&["import", "--vault", &v, file.to_str().unwrap()]);
        c.env("APIQ_VAULT_PASSWORD", PW);
        children.push((c.spawn().unwrap(), true));
        for (child, is_import) in children {
            let o = finish(child, "");
            // Every writer waits for the lock; none is refused here.
            assert_ok(&o);
            if is_import {
                assert_eq!(out(&o), "added 3, duplicates 0, unsupported 0\n");
            } else {
                reported.extend(out(&o).lines().map(str::to_string));
            }
        }
    }
    let vault = open(&path);
    let ids: HashSet<String> = vault.entries().iter().map(|e| e.id.to_hex()).collect();
    assert_eq!(reported.len(), 25);
    assert!(
        reported.is_subset(&ids),
        "lost: {:?}",
        reported.difference(&ids).collect::<Vec<_>>()
    );
    assert_eq!(vault.entries().len(), 25 + 5 * 3);
    // Each save was one generation: 1 (create) + 30 changes.
    assert_eq!(vault.generation(), 31);
}
