//! Replays the fuzz corpus on stable: every file under `fuzz/corpus/<target>/`
//! (the seeds and whatever a run chose to keep) and `fuzz/artifacts/<target>/`
//! (crashes once found and fixed, kept as regression inputs) goes through
//! `wire::fuzz::<target>`, the same function the cargo-fuzz target calls.
//! [`seeds`] builds the seed inputs from the real encoders; a test checks
//! the committed files still match them.

#[path = "fuzz_corpus/seeds.rs"]
mod seeds;

use std::panic::catch_unwind;
use std::path::{Path, PathBuf};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 5] = [
    ("smpp_frame", wire::fuzz::smpp_frame),
    ("tpdu", wire::fuzz::tpdu),
    ("air_frame", wire::fuzz::air_frame),
    ("receipt", wire::fuzz::receipt),
    ("text", wire::fuzz::text),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files directly under `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn corpus_and_artifacts_replay_cleanly() {
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let corpus = files(&fuzz_dir().join("corpus").join(name));
        assert!(
            corpus.len() >= 3,
            "fuzz/corpus/{name} has {} seeds; run `WIRE_WRITE_SEEDS=1 cargo test -p wire --test fuzz_corpus`",
            corpus.len()
        );
        for path in corpus
            .iter()
            .chain(&files(&fuzz_dir().join("artifacts").join(name)))
        {
            let data = std::fs::read(path).expect("readable corpus file");
            if catch_unwind(|| target(&data)).is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "inputs that fail: {failures:#?}");
}

/// With `WIRE_WRITE_SEEDS=1` the generator first writes the corpus (after
/// changing the seeds), so the comparison that follows always runs.
#[test]
fn seed_files_match_the_generator() {
    let write = std::env::var_os("WIRE_WRITE_SEEDS").is_some_and(|v| v == "1");
    for (target, name, bytes) in seeds::all() {
        let path = fuzz_dir().join("corpus").join(target).join(name);
        if write {
            std::fs::create_dir_all(path.parent().expect("corpus directory")).expect("mkdir");
            std::fs::write(&path, &bytes).expect("seed file");
        }
        let on_disk = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; regenerate with WIRE_WRITE_SEEDS=1",
                path.display()
            )
        });
        assert_eq!(
            on_disk,
            bytes,
            "{} differs from its generator",
            path.display()
        );
    }
}
