//! Static assets: the precompressed file is what goes out (brotli, else
//! gzip, else the plain file), a content-hashed file is cacheable for good,
//! and pages are revalidated on every use.

use crate::helpers::spawn_app_with;

const HASHED: &str = "portico.Q2FjaGVNZUZvcmV2ZXIxMj.wasm";

/// A site root like a release build's: a hashed WASM with its `.br` and
/// `.gz` beside it (different bytes, so the test sees which one is sent),
/// and an unhashed file.
fn site_root() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!(
        "portico-assets-{}-{}",
        std::process::id(),
        app::backend::db::now_ms()
    ));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join(HASHED), b"plain wasm").unwrap();
    std::fs::write(pkg.join(format!("{HASHED}.br")), b"brotli wasm").unwrap();
    std::fs::write(pkg.join(format!("{HASHED}.gz")), b"gzip wasm").unwrap();
    std::fs::write(pkg.join("unhashed.js"), b"console.log(1)").unwrap();
    root
}

#[tokio::test]
async fn precompressed_hashed_assets_are_sent_as_built_and_cached_for_good() {
    let root = site_root();
    let app = spawn_app_with(&[("LEPTOS_SITE_ROOT", root.to_str().unwrap())]).await;
    let url = format!("{}/pkg/{HASHED}", app.address);

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), Some("br"), "brotli wasm"),
        (Some("gzip"), Some("gzip"), "gzip wasm"),
        (None, None, "plain wasm"),
    ] {
        let mut req = app.client.get(&url);
        if let Some(accept) = accept {
            req = req.header("Accept-Encoding", accept);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "Accept-Encoding {accept:?}");
        let headers = res.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "Accept-Encoding {accept:?}"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            res.text().await.unwrap(),
            body,
            "Accept-Encoding {accept:?}"
        );
    }

    // A file without a hash in its name may change under the same name.
    let res = app
        .client
        .get(format!("{}/pkg/unhashed.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "private, no-cache");

    // Pages are always asked for again (they show the signed-in person).
    let res = app.get("/login").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(res.headers()["cache-control"], "private, no-cache");

    // A missing asset is a plain 404, not cached.
    let res = app
        .client
        .get(format!(
            "{}/pkg/portico.AAAAAAAAAAAAAAAAAAAAAA.wasm",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers().get("cache-control").is_none());
    let _ = std::fs::remove_dir_all(root);
}
