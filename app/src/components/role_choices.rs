//! Choosing roles: one level per scope. For the tenant, a choice of none,
//! Viewer, Member or Manager; for the organisation, the same one level
//! again (a person is never "Member and Manager" of one thing). Each
//! choice shows what the role allows under its name.

use leptos::prelude::*;

use crate::domain::{Role, RoleScope};
use crate::i18n::lang;
use crate::t;

/// A radio group per scope that has roles among `roles` (the roles the
/// viewer may grant), the highest of `checked` in each scope selected.
/// The groups post as `roles[0]` (tenant) and `roles[1]` (organisation);
/// "none" posts an empty value, which `Role::parse_choices` skips.
/// `form` keeps the ids unique when a page has several such groups.
#[component]
pub fn RoleChoices(
    #[prop(into)] form: String,
    roles: Vec<String>,
    checked: Vec<String>,
) -> impl IntoView {
    let offered: Vec<Role> = roles.iter().filter_map(|r| Role::parse(r).ok()).collect();
    let chosen: Vec<Role> = checked.iter().filter_map(|r| Role::parse(r).ok()).collect();
    let lang = lang();
    [
        (RoleScope::Tenant, t!("roles-tenant"), t!("roles-no-tenant"), 0),
        (RoleScope::Organisation, t!("roles-organisation"), t!("roles-no-organisation"), 1),
    ]
    .into_iter()
    .filter_map(|(scope, legend, none_label, index)| {
        let options: Vec<Role> = offered
            .iter()
            .copied()
            .filter(|r| r.scope() == scope)
            .collect();
        if options.is_empty() {
            return None;
        }
        let selected = chosen
            .iter()
            .copied()
            .filter(|r| r.scope() == scope && options.contains(r))
            .max_by_key(|r| r.level());
        let name = format!("roles[{index}]");
        let none_id = format!("{form}-{index}-none");
        Some(view! {
            <fieldset class="role-scope">
                <legend>{legend}</legend>
                <div class="choice">
                    <input type="radio" id=none_id.clone() name=name.clone() value="" checked=selected.is_none() />
                    <label for=none_id>{none_label}</label>
                </div>
                {options.into_iter().map(|role| {
                    let id = format!("{form}-role-{}", role.as_str());
                    let hint_id = format!("{id}-hint");
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                id=id.clone()
                                name=name.clone()
                                value=role.as_str()
                                checked=selected == Some(role)
                                aria-describedby=hint_id.clone()
                            />
                            <label for=id>{role.label(lang)}</label>
                            <p class="hint" id=hint_id>{capitalise_first(&role.description(lang))}</p>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        })
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
                    .map(|role| role.describe(lang(), organisation_name.as_deref()))
                    .unwrap_or(r);
                view! { <li>{line}</li> }
            }).collect_view()}
        </ul>
    }
}
