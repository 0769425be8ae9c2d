//! The `portico` binary. Start-up failures print one line and exit non-zero.

use std::process::ExitCode;

fn main() -> ExitCode {
    server::memory::tune_malloc();
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
