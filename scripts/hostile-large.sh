#!/usr/bin/env bash
# The hostile-input tests too slow for every `cargo test`: a directory of 100,000 small
# files (tests/hostile.rs, `#[ignore]`d). Release build, so it takes seconds, not minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test hostile -- --ignored --nocapture
