//! The `portico` binary. Start-up failures print one line and exit non-zero.

use std::process::ExitCode;

/// Rust's allocations go to mimalloc (C code, SQLite's, still to glibc's
/// malloc). glibc's malloc and free were 18 % of the server's CPU under
/// the invitation load, a fifth of that waking threads that waited for an
/// arena's lock; with mimalloc's per-thread heaps an invitation with its
/// mail cost 0.27–0.28 ms of CPU against 0.33–0.36 ms, and the read went
/// from 0.068–0.079 to 0.058–0.060 ms (README, "mimalloc").
/// [`server::memory::tune_mimalloc`] keeps its peak RSS close to glibc's
/// (1–3 MB over it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    server::memory::tune_malloc();
    server::memory::tune_mimalloc();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("portico: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("portico: {err}");
            ExitCode::FAILURE
        }
    }
}
