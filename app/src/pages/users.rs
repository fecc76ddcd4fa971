//! Admin: list, create, change role, reset password, delete users.

use super::{role_key, tr, ErrorBox, Loaded, RequireUser};
use crate::api::{list_users, CreateUser, DeleteUser, ResetPassword, UpdateUser};
use crate::types::{ListQuery, NewUser, Page, PasswordReset, Role, UserPatch, UserView};
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <RequireUser min_role=Role::Admin signed_in=move |_me: UserView| view! { <UsersAdmin/> }/>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let role_filter = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);

    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let delete = ServerAction::<DeleteUser>::new();

    let query = move || ListQuery {
        page: Some(page.get()),
        page_size: Some(20),
        sort: Some("username".into()),
        q: Some(search.get()).filter(|s| !s.trim().is_empty()),
        role: Role::parse(&role_filter.get()),
    };
    let users = Resource::new(
        move || (query(), create.version().get(), update.version().get(), delete.version().get()),
        |(q, ..)| list_users(q),
    );

    // New-user form state.
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let new_role = RwSignal::new("student".to_string());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            username.set(String::new());
            display_name.set(String::new());
            password.set(String::new());
        }
    });
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewUser {
            username: username.get_untracked(),
            password: password.get_untracked(),
            display_name: Some(display_name.get_untracked()).filter(|s| !s.is_empty()),
            email: None,
            role: Role::parse(&new_role.get_untracked()).unwrap_or(Role::Student),
        };
        create.dispatch(CreateUser { input });
    };

    let action_error = move || {
        create.value().get().and_then(|r| r.err())
            .or_else(|| update.value().get().and_then(|r| r.err()))
            .or_else(|| reset.value().get().and_then(|r| r.err()))
            .or_else(|| delete.value().get().and_then(|r| r.err()))
    };

    view! {
        <h1>{tr("users.title")}</h1>
        <section class="card">
            <h2>{tr("users.new")}</h2>
            <form class="row" on:submit=on_create data-testid="new-user-form">
                <input placeholder=tr("users.username") name="username" bind:value=username required/>
                <input placeholder=tr("users.display_name") name="display_name" bind:value=display_name/>
                <input placeholder=tr("users.password") name="password" type="password" bind:value=password required/>
                <select name="role" bind:value=new_role>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{tr(role_key(r))}</option> }).collect_view()}
                </select>
                <button type="submit" class="primary">{tr("users.create")}</button>
            </form>
            {move || matches!(create.value().get(), Some(Ok(_))).then(|| view! { <p class="ok">{tr("users.created")}</p> })}
            {move || matches!(reset.value().get(), Some(Ok(_))).then(|| view! { <p class="ok">{tr("users.password_reset_done")}</p> })}
            {move || action_error().map(|e| view! { <ErrorBox error=e/> })}
        </section>
        <section class="card">
            <div class="row">
                <input type="search" placeholder=tr("users.search") bind:value=search on:input=move |_| page.set(1) data-testid="user-search"/>
                <select bind:value=role_filter on:change=move |_| page.set(1)>
                    <option value="">{tr("users.all_roles")}</option>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{tr(role_key(r))}</option> }).collect_view()}
                </select>
            </div>
            <Loaded resource=users view={move |p: Page<UserView>| {
                let pg = p.pagination.clone();
                view! {
                    <table class="grid" data-testid="users-table">
                        <thead><tr>
                            <th>{tr("users.username")}</th>
                            <th>{tr("users.display_name")}</th>
                            <th>{tr("users.role")}</th>
                            <th>{tr("users.actions")}</th>
                        </tr></thead>
                        <tbody>
                            {p.items.into_iter().map(|u| view! { <UserRow user=u update reset delete/> }).collect_view()}
                        </tbody>
                    </table>
                    <div class="row pager">
                        <button type="button" disabled={pg.page <= 1} on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>{tr("users.prev")}</button>
                        <span>{tr("users.page")}" "{pg.page}" / "{pg.total_pages.max(1)}" · "{pg.total}" "{tr("users.total")}</span>
                        <button type="button" disabled={pg.page >= pg.total_pages} on:click=move |_| page.update(|p| *p += 1)>{tr("users.next")}</button>
                    </div>
                }.into_any()
            }}/>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserView,
    update: ServerAction<UpdateUser>,
    reset: ServerAction<ResetPassword>,
    delete: ServerAction<DeleteUser>,
) -> impl IntoView {
    let id = user.id;
    let new_password = RwSignal::new(String::new());
    let confirm_text = tr("users.confirm_delete");
    let role_now = user.role.as_str().to_string();
    view! {
        <tr data-username=user.username.clone()>
            <td>{user.username.clone()}</td>
            <td>{user.display_name.clone()}</td>
            <td>
                <select on:change:target=move |ev| {
                    if let Some(role) = Role::parse(&ev.target().value()) {
                        update.dispatch(UpdateUser { id, patch: UserPatch { role: Some(role), ..Default::default() } });
                    }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=r.as_str() == role_now>{tr(role_key(r))}</option>
                    }).collect_view()}
                </select>
            </td>
            <td class="row">
                <input type="password" placeholder=tr("users.new_password") bind:value=new_password size="12"/>
                <button type="button" on:click=move |_| {
                    reset.dispatch(ResetPassword { id, reset: PasswordReset { new_password: new_password.get_untracked(), keep_tokens: false } });
                    new_password.set(String::new());
                }>{tr("users.reset_password")}</button>
                <button type="button" class="danger" on:click=move |_| {
                    if confirm(confirm_text()) {
                        delete.dispatch(DeleteUser { id });
                    }
                }>{tr("users.delete")}</button>
            </td>
        </tr>
    }
}

pub(super) fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().map(|w| w.confirm_with_message(message).unwrap_or(false)).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

