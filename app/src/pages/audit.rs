//! `/audit`: the audit trail with filters, pages and a CSV export; admins
//! see all of it, teachers what was done in their courses.

use super::{page_query, tr, Loaded, Pager, RequireUser};
use crate::api::list_audit;
use crate::types::{AuditEntry, AuditQuery, AuditTarget, Page, Role, UserView};
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequireUser min_role=Role::Teacher signed_in=move |_me: UserView| view! { <AuditTrail/> }/>
    }
}

/// `value` for a URL's query: letters, digits and `-._~` as they are, the
/// rest percent-encoded (UTF-8).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `datetime-local` value (`2026-12-03T09:30`, read as UTC) as RFC 3339.
fn utc(local: &str) -> Option<String> {
    let v = local.trim();
    match v.len() {
        0 => None,
        16 => Some(format!("{v}:00Z")),
        _ => Some(format!("{v}Z")),
    }
}

/// The export's address for the same filters.
fn export_href(q: &AuditQuery) -> String {
    let mut parts = Vec::new();
    let mut add = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{name}={}", encode(&v)));
        }
    };
    add("user_id", q.user_id.map(|v| v.to_string()));
    add("target_kind", q.target_kind.clone());
    add("target_id", q.target_id.map(|v| v.to_string()));
    add("action", q.action.clone());
    add("result", q.result.clone());
    add("from", q.from.clone());
    add("to", q.to.clone());
    if parts.is_empty() {
        "/api/v1/audit/export".into()
    } else {
        format!("/api/v1/audit/export?{}", parts.join("&"))
    }
}

#[component]
fn AuditTrail() -> impl IntoView {
    let query = RwSignal::new(AuditQuery::default());
    let page = RwSignal::new(1u32);
    let events = Resource::new(move || (query.get(), page.get()), |(q, p)| list_audit(q, page_query(p)));
    let (user, kind, target, action, result, from, to) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()),
         RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let text = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(AuditQuery {
            user_id: text(user).and_then(|v| v.parse().ok()),
            target_kind: text(kind),
            target_id: text(target).and_then(|v| v.parse().ok()),
            action: text(action),
            result: text(result),
            from: utc(&from.get_untracked()),
            to: utc(&to.get_untracked()),
        });
        page.set(1);
    };
    view! {
        <h1>{tr("audit.title")}</h1>
        <p class="muted">{tr("audit.intro")}</p>
        <section class="card">
            <form class="row filters" data-testid="audit-filters" on:submit=apply>
                <label>{tr("audit.user_id")}<input name="user_id" type="number" min="1" bind:value=user/></label>
                <label>{tr("audit.target")}
                    <select name="target_kind" bind:value=kind>
                        <option value="">{tr("audit.any")}</option>
                        {AuditTarget::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"#"<input name="target_id" type="number" min="1" bind:value=target/></label>
                <label>{tr("audit.action")}<input name="action" placeholder="vm." maxlength="64" bind:value=action/></label>
                <label>{tr("audit.result")}
                    <select name="result" bind:value=result>
                        <option value="">{tr("audit.any")}</option>
                        <option value="ok">"ok"</option>
                        <option value="error">{tr("audit.error")}</option>
                    </select>
                </label>
                <label>{tr("audit.from")}<input name="from" type="datetime-local" bind:value=from/></label>
                <label>{tr("audit.to")}<input name="to" type="datetime-local" bind:value=to/></label>
                <button type="submit" class="primary">{tr("audit.apply")}</button>
                <a href=move || query.with(export_href) rel="external" download="vlab-audit.csv" data-testid="audit-export">{tr("audit.export")}</a>
            </form>
        </section>
        <section class="card">
            <Loaded resource=events view={move |list: Page<AuditEntry>| view! {
                <table class="grid" data-testid="audit-table">
                    <thead><tr>
                        <th>{tr("audit.when")}</th>
                        <th>{tr("audit.who")}</th>
                        <th>{tr("audit.from_where")}</th>
                        <th>{tr("audit.action")}</th>
                        <th>{tr("audit.target")}</th>
                        <th>{tr("audit.summary")}</th>
                        <th>{tr("audit.result")}</th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|e| {
                            let ok = e.result == "ok";
                            let target = e.target_kind.clone().map(|k| format!("{k} #{}", e.target_id.map(|i| i.to_string()).unwrap_or_default()));
                            view! {
                                <tr data-action=e.action.clone() data-result=e.result.clone()>
                                    <td class="small">{e.at.clone()}</td>
                                    <td>{e.username.clone().unwrap_or_else(|| "—".into())}
                                        {e.role.clone().map(|r| view! { " "<span class="badge">{r}</span> })}</td>
                                    <td class="small muted">{format!("{} · {} · {}", e.channel, e.via, e.client)}</td>
                                    <td><code>{e.action.clone()}</code></td>
                                    <td>{target}{e.course_id.map(|c| view! { <br/><a class="small" href=format!("/courses/{c}")>{format!("course #{c}")}</a> })}</td>
                                    <td class="small">{e.summary.clone()}</td>
                                    <td><span class=if ok { "badge state-running" } else { "badge state-crashed" }>{e.result.clone()}</span>
                                        " "<span class="muted small">{e.status}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <Pager page of=list.pagination/>
            }}/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_link_carries_the_filters_encoded() {
        assert_eq!(export_href(&AuditQuery::default()), "/api/v1/audit/export");
        let q = AuditQuery {
            user_id: Some(3),
            action: Some("vm.start&x=1 é".into()),
            from: utc("2026-12-03T09:30"),
            ..Default::default()
        };
        assert_eq!(export_href(&q), "/api/v1/audit/export?user_id=3&action=vm.start%26x%3D1%20%C3%A9&from=2026-12-03T09%3A30%3A00Z");
        assert_eq!(utc(" "), None);
        assert_eq!(utc("2026-12-03T09:30:15"), Some("2026-12-03T09:30:15Z".into()));
    }
}
