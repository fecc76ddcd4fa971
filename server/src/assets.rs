//! The site's static files. `scripts/build.sh` names the WebAssembly, its
//! JavaScript and the stylesheet after their content (`pkg/hash.txt` lists
//! the hashes) and stores brotli and gzip copies beside every file; here the
//! copy the browser accepts is sent, a hashed file is cached for a year and
//! everything else is revalidated (Last-Modified) on each use.

use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower::ServiceExt;

/// Where the build lists the content hashes of the bundle's files.
pub const HASH_FILE: &str = "pkg/hash.txt";

/// The hash file's absolute path, when the site was built with hashed
/// names (LeptosOptions takes it relative to the binary, or absolute).
pub fn hash_file(site_root: &Path) -> Option<String> {
    let path = site_root.join(HASH_FILE);
    let path = std::fs::canonicalize(path).ok()?;
    Some(path.display().to_string())
}

/// `pkg/vlab.<16 hex>.<ext>`: named after its content, so never changes.
fn is_hashed(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else { return false };
    let mut parts = name.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(_), Some(hash), Some(_), None) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    )
}

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// A static file if there is one (precompressed where the browser accepts
/// it), else the app's page for the path (its 404 page for unknown ones).
pub async fn file_or_page(State(state): State<AppState>, req: Request) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) && !req.uri().path().ends_with('/') {
        let mut probe = Request::new(Body::empty());
        *probe.method_mut() = req.method().clone();
        *probe.uri_mut() = req.uri().clone();
        *probe.headers_mut() = req.headers().clone();
        let files = tower_http::services::ServeDir::new(&state.config.site_root)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(false);
        let found = match files.oneshot(probe).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        if found.status() != StatusCode::NOT_FOUND {
            let mut res = found.map(Body::new);
            let cache = if is_hashed(req.uri().path()) { IMMUTABLE } else { REVALIDATE };
            res.headers_mut().insert(header::CACHE_CONTROL, cache);
            return res;
        }
    }
    let page = leptos_axum::file_and_error_handler_with_context::<AppState, _>(crate::guard::page_policy, app::shell);
    page(req.uri().clone(), State(state), req).await.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_named_bundle_files_are_immutable() {
        assert!(is_hashed("/pkg/vlab.0123456789abcdef.wasm"));
        assert!(is_hashed("/pkg/vlab.0123456789abcdef.js"));
        assert!(!is_hashed("/pkg/vlab_bg.wasm"));
        assert!(!is_hashed("/pkg/vlab.css"));
        assert!(!is_hashed("/pkg/hash.txt"));
        assert!(!is_hashed("/vendor/vlab.0123456789abcdef.js"));
        assert!(!is_hashed("/pkg/vlab.0123456789abcdeg.js"));
    }
}
