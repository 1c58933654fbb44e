//! The whole per-file pipeline, bytes → findings, as JSON, Markdown, YAML and Terraform (HCL,
//! JSON templates): it must not
//! panic, and every finding must be well placed (see `tests/support/invariants.rs`).

#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::check_all_ways(data);
});
