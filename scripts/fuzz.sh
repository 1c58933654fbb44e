#!/usr/bin/env bash
# Fuzzes the whole pipeline (bytes → findings, as JSON and Markdown) for a bounded time.
#
#   scripts/fuzz.sh            # 120 s
#   scripts/fuzz.sh 600        # 10 minutes
#
# Uses `cargo fuzz` when it is installed; otherwise builds the same target with the same
# coverage instrumentation by hand (stable Rust is enough: `-Cpasses=sancov-module`), without
# AddressSanitizer, which safe Rust does not need. Seeds: examples, rule fixtures, hostile
# fixtures. A crash is saved under fuzz/artifacts/check/; turn each into a regression by
# copying it to tests/fixtures/hostile/ (tests/hostile.rs replays every file there).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
corpus=fuzz/corpus/check
seeds=fuzz/seeds
artifacts=fuzz/artifacts/check
mkdir -p "$corpus" "$seeds" "$artifacts"
# Seeds are copied (flat) so libFuzzer never writes into the repository's own files.
find examples tests/fixtures -type f \( -name '*.json' -o -name '*.md' \) -size -64k \
    -exec sh -c 'for f; do cp "$f" "fuzz/seeds/$(printf %s "$f" | tr / _)"; done' sh {} +
flags=(-max_total_time="$seconds" -dict=fuzz/policy.dict -max_len=65536 -timeout=10
       -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1)

if cargo fuzz --version >/dev/null 2>&1; then
    (cd fuzz && cargo fuzz run check "../$corpus" "../$seeds" -- "${flags[@]}")
    exit
fi

export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares \
 -Cdebug-assertions -Coverflow-checks -Copt-level=3"
# An explicit --target keeps RUSTFLAGS (and so the instrumentation) off build scripts.
host="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --manifest-path fuzz/Cargo.toml --release --bin check --target-dir fuzz/target --target "$host"
"fuzz/target/$host/release/check" "${flags[@]}" "$corpus" "$seeds"
