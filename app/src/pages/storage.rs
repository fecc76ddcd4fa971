//! Disks and the ISO library.

use super::{page_query, tr, ErrorBox, Loaded, Pager, RequireUser};
use crate::api::*;
use crate::types::*;
use leptos::prelude::*;

#[component]
pub fn DisksPage() -> impl IntoView {
    view! { <RequireUser signed_in=move |_me: UserView| view! { <Disks/> }/> }
}

#[component]
fn Disks() -> impl IntoView {
    let create = ServerAction::<CreateDisk>::new();
    let delete = ServerAction::<DeleteDisk>::new();
    let page = RwSignal::new(1u32);
    let disks = Resource::new(move || (create.version().get(), delete.version().get(), page.get()), |(_, _, p)| list_disks(page_query(p)));
    let name = RwSignal::new(String::new());
    let size = RwSignal::new("1024".to_string());
    let format = RwSignal::new("qcow2".to_string());
    view! {
        <h1>{tr("disk.title")}</h1>
        <section class="card">
            <form class="row" data-testid="new-disk-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(CreateDisk { input: NewDisk {
                    name: name.get_untracked(),
                    format: Some(format.get_untracked()),
                    size_mib: size.get_untracked().trim().parse().unwrap_or(0),
                    node_id: None,
                }});
            }>
                <input placeholder=tr("vm.name") bind:value=name required/>
                <label class="inline-label">{tr("disk.size")}<input bind:value=size size="8"/></label>
                <select bind:value=format>
                    <option value="qcow2">"qcow2"</option><option value="raw">"raw"</option><option value="vmdk">"vmdk"</option>
                </select>
                <button type="submit" class="primary">{tr("disk.create")}</button>
            </form>
            {move || create.value().get().and_then(|r| r.err()).or_else(|| delete.value().get().and_then(|r| r.err())).map(|e| view! { <ErrorBox error=e/> })}
        </section>
        <section class="card">
            <Loaded resource=disks view={move |list: Page<DiskView>| view! {
                <Pager page of=list.pagination.clone()/>
                <table class="grid">
                    <thead><tr><th>{tr("vm.name")}</th><th>{tr("disk.format")}</th><th>{tr("disk.size")}</th><th>{tr("disk.attached_to")}</th><th></th></tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|d| {
                            let id = d.id;
                            view! { <tr>
                                <td>{d.name}</td><td>{d.format}</td><td>{d.virtual_size >> 20}</td>
                                <td>{d.vm_id.map(|v| view! { <a href=format!("/machines/{v}")>{format!("#{v}")}</a> })}</td>
                                <td><button type="button" class="danger" on:click=move |_| { delete.dispatch(DeleteDisk { id }); }>{tr("vm.delete")}</button></td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()}/>
        </section>
    }
}

#[component]
pub fn IsosPage() -> impl IntoView {
    view! { <RequireUser signed_in=move |me: UserView| view! { <Isos me/> }/> }
}

#[component]
fn Isos(me: UserView) -> impl IntoView {
    let delete = ServerAction::<DeleteIso>::new();
    let page = RwSignal::new(1u32);
    let uploaded = RwSignal::new(0u32);
    let isos = Resource::new(move || (delete.version().get(), page.get(), uploaded.get()), |(_, p, _)| list_isos(page_query(p)));
    let can_upload = me.role != Role::Student;
    view! {
        <h1>{tr("iso.title")}</h1>
        {can_upload.then(|| view! { <section class="card"><super::upload::IsoUpload uploaded/></section> })}
        <section class="card">
            {move || delete.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
            <Loaded resource=isos view={move |list: Page<IsoView>| view! {
                <Pager page of=list.pagination.clone()/>
                <table class="grid" data-testid="iso-table">
                    <thead><tr><th>{tr("vm.name")}</th><th>{tr("iso.size")}</th><th>{tr("iso.status")}</th><th>"SHA-256"</th><th></th></tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|i| {
                            let id = i.id;
                            let row_name = i.name.clone();
                            view! { <tr data-iso=row_name>
                                <td>{i.name}{i.demo.then(|| view! { " "<span class="badge" data-testid="demo-badge">{tr("vm.demo")}</span> })}</td>
                                <td>{format!("{:.1} MiB", i.size_bytes as f64 / 1048576.0)}</td>
                                <td>{i.status}</td>
                                <td><code>{i.sha256[..12].to_string()}"…"</code></td>
                                <td><button type="button" class="danger" on:click=move |_| { delete.dispatch(DeleteIso { id }); }>{tr("vm.delete")}</button></td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()}/>
        </section>
    }
}
