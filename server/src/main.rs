//! The `portico` binary. Start-up failures print one line and exit non-zero.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match server::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("portico: {err}");
            ExitCode::FAILURE
        }
    }
}
