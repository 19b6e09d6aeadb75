//! The browser's build files: pages name them with the digest the build
//! gave them, and they are served for a year's caching; anything else
//! under `/pkg/` is revalidated.

use crate::helpers::{TestResult, spawn_app, spawn_app_with};

const BUILD: &str = "portal.0123456789abcdef";

/// A site root holding a digested build, an older file and the names file.
fn site_root() -> Result<std::path::PathBuf, std::io::Error> {
    let root = std::env::temp_dir().join(format!("portal-test-site-{}", uuid::Uuid::new_v4()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg)?;
    for extension in ["js", "wasm", "css"] {
        std::fs::write(pkg.join(format!("{BUILD}.{extension}")), "x")?;
    }
    std::fs::write(pkg.join("portal.css"), "old")?;
    std::fs::write(pkg.join("assets.txt"), format!("{BUILD}\n"))?;
    Ok(root)
}

fn cache_control(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("cache-control")
        .and_then(|value| value.to_str().ok())
}

#[tokio::test]
async fn pages_name_the_digested_build_and_its_files_are_kept_for_a_year() -> TestResult {
    let root = site_root()?;
    let app = spawn_app_with(&[("PORTAL_SITE_ROOT", &root.display().to_string())]).await?;

    let page = app.get("/").await?.text().await?;
    for file in [
        format!("href=\"/pkg/{BUILD}.css\""),
        format!("/pkg/{BUILD}.js"),
    ] {
        assert!(page.contains(&file), "{file} not in the page");
    }
    // Leptos adds `_bg` to the WebAssembly's name in a build that was not
    // told the files' name (a test build); the site's build is.
    assert!(
        page.contains(&format!("/pkg/{BUILD}.wasm"))
            || page.contains(&format!("/pkg/{BUILD}_bg.wasm")),
        "the WebAssembly is not named"
    );
    assert!(
        !page.contains("/pkg/portal.css"),
        "the plain name is not used"
    );

    for extension in ["js", "wasm", "css"] {
        let file = app.get(&format!("/pkg/{BUILD}.{extension}")).await?;
        assert_eq!(file.status(), 200);
        assert_eq!(
            cache_control(&file),
            Some("public, max-age=31536000, immutable"),
            "{extension}"
        );
    }
    let older = app.get("/pkg/portal.css").await?;
    assert_eq!(older.status(), 200);
    assert_eq!(cache_control(&older), Some("no-cache"));
    let missing = app.get(&format!("/pkg/{BUILD}0.css")).await?;
    assert_eq!(missing.status(), 404);
    assert_ne!(
        cache_control(&missing),
        Some("public, max-age=31536000, immutable")
    );
    std::fs::remove_dir_all(root)?;
    Ok(())
}

#[tokio::test]
async fn without_a_names_file_pages_use_the_plain_names() -> TestResult {
    let app = spawn_app().await?;
    let page = app.get("/").await?.text().await?;
    assert!(page.contains("href=\"/pkg/portal.css\""), "{page}");
    assert!(page.contains("/pkg/portal.js"), "{page}");
    Ok(())
}
