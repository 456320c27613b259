#!/usr/bin/env bash
# Runs every cargo-fuzz target of wire for SECONDS each (default 300), on a
# stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags and
# `-s none` drops the sanitizer, which needs a nightly standard library.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# New inputs the fuzzer finds go to fuzz/work/<target>/ (not committed);
# fuzz/corpus/<target>/ is the committed seed corpus, read only here. A crash
# stops the run and lands in fuzz/artifacts/<target>/: fix it, keep the file
# there, and `cargo test -p wire --test fuzz_corpus` replays it from then on.
set -euo pipefail

seconds="${1:-300}"
shift $(($# > 0 ? 1 : 0))
cd "$(dirname "$0")/../fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
if (($# > 0)); then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    mkdir -p "work/$target"
    cargo fuzz run -s none "$target" "work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1
done
