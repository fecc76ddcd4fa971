//! Your own account: password and personal API tokens.

use super::{role_key, tr, ErrorBox, Loaded, RequireUser};
use crate::api::{list_tokens, ChangePassword, CreateToken, RevokeToken};
use crate::types::{NewToken, PasswordChange, TokenView, UserView};
use leptos::prelude::*;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <RequireUser one_time_ok=true signed_in=move |me: UserView| view! {
            <h1>{tr("profile.title")}</h1>
            <section class="card">
                <p><strong>{me.username.clone()}</strong>" · "{me.display_name.clone()}" · "{tr(role_key(me.role))}</p>
            </section>
            {me.must_change_password.then(|| view! { <p class="notice" data-testid="must-change">{tr("profile.must_change")}</p> })}
            {(!me.must_change_password).then(|| view! { <Quota user_id=me.id/> })}
            <PasswordForm/>
            {(!me.must_change_password).then(|| view! { <Tokens/> })}
        }/>
    }
}

/// The user's limits beside what they use now.
#[component]
fn Quota(user_id: i64) -> impl IntoView {
    let quota = Resource::new(|| (), move |_| crate::api::get_user_quota(user_id));
    view! {
        <section class="card" data-testid="quota">
            <h2>{tr("quota.title")}</h2>
            <Loaded resource=quota view={|q: crate::types::QuotaView| {
                let l = q.limits;
                let u = q.usage;
                let rows = [
                    ("quota.vms", u.vms, l.max_vms),
                    ("quota.vcpus", u.vcpus, l.max_vcpus),
                    ("quota.memory", u.memory_mib, l.max_memory_mib),
                    ("quota.disk", u.disk_mib, l.max_disk_mib),
                    ("quota.running_vms", u.running_vms, l.max_running_vms),
                    ("quota.running_vcpus", u.running_vcpus, l.max_running_vcpus),
                    ("quota.running_memory", u.running_memory_mib, l.max_running_memory_mib),
                ];
                view! {
                    <table class="grid"><tbody>
                        {rows.into_iter().map(|(k, used, max)| view! {
                            <tr><td>{tr(k)}</td><td>{used}" / "{max.map(|m| m.to_string()).unwrap_or_else(|| "∞".into())}</td></tr>
                        }).collect_view()}
                    </tbody></table>
                }
            }}/>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let keep_tokens = RwSignal::new(false);
    let auth = expect_context::<crate::Auth>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(ChangePassword {
            change: PasswordChange {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
                keep_tokens: keep_tokens.get_untracked(),
            },
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            current.set(String::new());
            new.set(String::new());
            // A one-time password is gone now: the whole app opens up.
            auth.user.refetch();
        }
    });
    view! {
        <section class="card">
            <h2>{tr("profile.change_password")}</h2>
            <form class="stack narrow" on:submit=on_submit data-testid="password-form">
                <label>{tr("profile.current_password")}
                    <input type="password" autocomplete="current-password" bind:value=current required/>
                </label>
                <label>{tr("profile.new_password")}
                    <input type="password" autocomplete="new-password" bind:value=new required/>
                </label>
                <label class="check">
                    <input type="checkbox" bind:checked=keep_tokens data-testid="keep-tokens"/>
                    {tr("profile.keep_tokens")}
                </label>
                <button type="submit" class="primary">{tr("profile.save")}</button>
            </form>
            {move || match change.value().get() {
                Some(Ok(())) => Some(view! { <p class="ok">{tr("profile.password_changed")}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
        </section>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_tokens());
    let name = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let expires_in_days = days.get_untracked().trim().parse::<u32>().ok();
        create.dispatch(CreateToken { input: NewToken { name: name.get_untracked(), expires_in_days } });
        name.set(String::new());
    };
    view! {
        <section class="card">
            <h2>{tr("tokens.title")}</h2>
            <form class="row" on:submit=on_submit data-testid="token-form">
                <input placeholder=tr("tokens.name") bind:value=name required/>
                <input placeholder=tr("tokens.days") bind:value=days inputmode="numeric" size="28"/>
                <button type="submit" class="primary">{tr("tokens.create")}</button>
            </form>
            {move || match create.value().get() {
                Some(Ok(t)) => Some(view! {
                    <p class="ok">{tr("tokens.shown_once")}" "<code data-testid="new-token">{t.token}</code></p>
                }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
            <Loaded resource=tokens view={move |v: Vec<TokenView>| match v {
                list if list.is_empty() => view! { <p class="muted">{tr("tokens.none")}</p> }.into_any(),
                list => view! {
                    <table class="grid">
                        <thead><tr>
                            <th>{tr("tokens.name")}</th><th>"#"</th>
                            <th>{tr("tokens.created_at")}</th><th>{tr("tokens.expires_at")}</th>
                            <th>{tr("tokens.last_used")}</th><th></th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|tk| {
                                let id = tk.id;
                                view! {
                                    <tr>
                                        <td>{tk.name}</td>
                                        <td><code>{tk.prefix}"…"</code></td>
                                        <td>{tk.created_at}</td>
                                        <td>{tk.expires_at.unwrap_or_else(|| "—".into())}</td>
                                        <td>{tk.last_used_at.unwrap_or_else(|| "—".into())}</td>
                                        <td><button type="button" class="danger" on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>{tr("tokens.revoke")}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}/>
        </section>
    }
}
