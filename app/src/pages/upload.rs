//! Uploading an ISO from the browser, as any API client would: hash the file
//! (SHA-256, with the browser's own crypto), declare it, then send it in
//! chunks over the REST API (gloo-net), resuming from what the server has.

use super::tr;
#[cfg(feature = "hydrate")]
use crate::types::{IsoView, NewIso};
use leptos::prelude::*;

/// A file picker that uploads the chosen ISO and bumps `uploaded` when done.
#[component]
pub fn IsoUpload(uploaded: RwSignal<u32>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let percent = RwSignal::new(None::<u8>);
    let status = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = uploaded;
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = input.get_untracked().and_then(|el| el.files()).and_then(|files| files.get(0)) else { return };
            leptos::task::spawn_local(async move {
                match send(file, percent, status).await {
                    Ok(iso) => {
                        status.set(format!("{} ✓", iso.name));
                        uploaded.update(|n| *n += 1);
                    }
                    Err(e) => status.set(e),
                }
            });
        }
    };
    view! {
        <form class="row" data-testid="iso-upload" on:submit=submit>
            <input type="file" name="file" accept=".iso" node_ref=input required/>
            <button type="submit" class="primary">{tr("iso.upload")}</button>
            {move || percent.get().map(|p| view! { <progress max="100" value=p></progress> })}
            <span class="upload-status muted" data-testid="upload-status">{move || status.get()}</span>
        </form>
    }
}

#[cfg(feature = "hydrate")]
const CHUNK: u64 = 8 << 20;

#[cfg(feature = "hydrate")]
async fn send(file: web_sys::File, percent: RwSignal<Option<u8>>, status: RwSignal<String>) -> Result<IsoView, String> {
    use gloo_net::http::Request;
    status.set("SHA-256…".into());
    let sha256 = sha256(&file).await?;
    let size = file.size() as u64;
    let declare = Request::post("/api/v1/isos").json(&NewIso { name: file.name(), size_bytes: size, sha256 }).map_err(|e| e.to_string())?;
    let mut iso: IsoView = answer(declare.send().await).await.map_err(|(_, m)| m)?;
    while iso.received_bytes < size {
        let offset = iso.received_bytes;
        let end = (offset + CHUNK).min(size);
        percent.set(Some((offset * 100 / size) as u8));
        let chunk = file.slice_with_f64_and_f64(offset as f64, end as f64).map_err(js_error)?;
        let put = Request::put(&format!("/api/v1/isos/{}/content?offset={offset}", iso.id))
            .header("content-type", "application/octet-stream")
            .body(chunk)
            .map_err(|e| e.to_string())?;
        iso = match answer::<IsoView>(put.send().await).await {
            Ok(now) => now,
            // The server has a different amount (a resumed upload): go on from there.
            Err((code, _)) if code == "UPLOAD_OFFSET" => {
                answer(Request::get(&format!("/api/v1/isos/{}", iso.id)).send().await).await.map_err(|(_, m)| m)?
            }
            Err((_, message)) => return Err(message),
        };
    }
    percent.set(Some(100));
    Ok(iso)
}

/// Hex SHA-256 of the whole file.
#[cfg(feature = "hydrate")]
async fn sha256(file: &web_sys::File) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let bytes = JsFuture::from(file.array_buffer()).await.map_err(js_error)?;
    let subtle = web_sys::window().ok_or("no window")?.crypto().map_err(js_error)?.subtle();
    let digest = subtle.digest_with_str_and_buffer_source("SHA-256", bytes.unchecked_ref()).map_err(js_error)?;
    let digest = JsFuture::from(digest).await.map_err(js_error)?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec().iter().map(|b| format!("{b:02x}")).collect())
}

/// The `data` of an API envelope, or its error's code and message.
#[cfg(feature = "hydrate")]
async fn answer<T: serde::de::DeserializeOwned>(sent: Result<gloo_net::http::Response, gloo_net::Error>) -> Result<T, (String, String)> {
    let resp = sent.map_err(|e| (String::new(), e.to_string()))?;
    let body: serde_json::Value = resp.json().await.map_err(|e| (String::new(), e.to_string()))?;
    if body["success"] == true {
        serde_json::from_value(body["data"].clone()).map_err(|e| (String::new(), e.to_string()))
    } else {
        let text = |k: &str| body["error"][k].as_str().unwrap_or_default().to_owned();
        Err((text("code"), text("message")))
    }
}

#[cfg(feature = "hydrate")]
fn js_error(e: wasm_bindgen::JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}
