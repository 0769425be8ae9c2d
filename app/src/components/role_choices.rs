//! Choosing roles: one role per row, the box before its name and what the
//! role allows under it.

use leptos::prelude::*;

use crate::domain::Role;

/// A checkbox (`roles[]`) for each of `roles`, those in `checked` ticked.
/// `form` keeps the ids unique when a page has two such groups.
#[component]
pub fn RoleChoices(
    #[prop(into)] form: String,
    roles: Vec<String>,
    checked: Vec<String>,
) -> impl IntoView {
    roles
        .into_iter()
        .map(|r| {
            let id = format!("{form}-role-{r}");
            let hint_id = format!("{id}-hint");
            let (label, hint) = match Role::parse(&r) {
                Ok(role) => (
                    role.label().to_owned(),
                    capitalise_first(role.description()),
                ),
                Err(_) => (r.clone(), String::new()),
            };
            view! {
                <div class="choice">
                    <input
                        type="checkbox"
                        id=id.clone()
                        name="roles[]"
                        value=r.clone()
                        checked=checked.contains(&r)
                        aria-describedby=hint_id.clone()
                    />
                    <label for=id>{label}</label>
                    <p class="hint" id=hint_id>{hint}</p>
                </div>
            }
        })
        .collect_view()
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".")
        .unwrap_or_default()
}

/// Roles as the person offered them reads them: one line each, saying
/// what the role allows (inside `organisation_name` for organisation
/// roles).
#[component]
pub fn RoleList(roles: Vec<String>, organisation_name: Option<String>) -> impl IntoView {
    view! {
        <ul class="role-list">
            {roles.into_iter().map(|r| {
                let line = Role::parse(&r)
                    .map(|role| role.describe(organisation_name.as_deref()))
                    .unwrap_or(r);
                view! { <li>{line}</li> }
            }).collect_view()}
        </ul>
    }
}
