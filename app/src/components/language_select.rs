//! Choosing a language (SPEC §12): the account's preference, a tenant's
//! default, an invitation's language. The first option, `none_label`,
//! posts an empty value ("let the next rule decide").

use leptos::prelude::*;

use crate::i18n::Lang;

#[component]
pub fn LanguageSelect(
    /// The `id` of the `<select>` (its `<label for>` is the caller's).
    id: &'static str,
    #[prop(into)] none_label: String,
    /// The stored choice (a tag of `Lang`), if any.
    current: Option<String>,
) -> impl IntoView {
    view! {
        <select id=id name="locale">
            <option value="" selected=current.is_none()>{none_label}</option>
            {Lang::CHOSEN.into_iter().map(|l| view! {
                <option value=l.code() selected=current.as_deref() == Some(l.code())>{l.name()}</option>
            }).collect_view()}
        </select>
    }
}

/// A posted choice: empty is "none", else a language Portico speaks
/// (anything else is refused, saying which are).
pub fn parse_choice(raw: &str) -> Result<Option<Lang>, String> {
    match raw.trim() {
        "" => Ok(None),
        tag => Lang::from_tag(tag)
            .map(Some)
            .ok_or_else(|| crate::t!("account-language-unknown")),
    }
}
