//! The `portico` binary. Start-up failures print one line and exit non-zero.

use std::process::ExitCode;

fn main() -> ExitCode {
    release_large_blocks();
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

/// Each password hash takes 19 MiB (argon2id). glibc's malloc serves the
/// first such block from `mmap` and gives it back on free, but then raises
/// its mmap threshold, so every later one comes from a heap arena and stays
/// resident: ~20 MB held for good after the first sign-in. A fixed threshold
/// of 1 MiB keeps large blocks on `mmap`, returned as soon as they are freed
/// (bench: peak RSS under load 47–65 MB before, see README "Load").
fn release_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc tuning parameter; it is called
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
