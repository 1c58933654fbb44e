//! A seeded stream of numbers for tests that try many generated inputs: a linear congruential
//! generator, so they need no crate and fail the same way on every run.

/// Numbers below the `n` each call is given, the same ones for the same `seed`.
pub(crate) fn numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    }
}
