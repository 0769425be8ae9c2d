// `sqlx::migrate!` embeds the files of `migrations/` when this crate
// compiles; without this line cargo does not know a new migration file
// changes the crate, and a build would keep the old set.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
