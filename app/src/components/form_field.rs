//! A labelled form input that shows its error next to it. The error comes
//! from the server's answer (the page is rendered again after a post) or,
//! once the page is live, from the browser running the same `parse` as the
//! server when the value changes.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::{Email, Password, PersonName, ProjectName, TenantName};
use crate::error::AppError;

/// Which of the server's parsers checks a field in the browser. A name, not
/// a function, because it travels to the browser inside the island's props.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Email,
    Password,
    PersonName,
    TenantName,
    ProjectName,
}

impl Check {
    /// The error `value` would get from the server, if any.
    pub fn run(self, value: &str) -> Result<(), String> {
        match self {
            Check::Email => Email::parse(value).map(drop),
            Check::Password => Password::parse(value).map(drop),
            Check::PersonName => PersonName::parse(value).map(drop),
            Check::TenantName => TenantName::parse(value).map(drop),
            Check::ProjectName => ProjectName::parse(value).map(drop),
        }
    }
}

#[component]
pub fn FormField(
    /// The visible label, e.g. "Email".
    #[prop(into)]
    label: String,
    /// The form field name, i.e. the server function argument.
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    /// The server's error for this field.
    #[prop(into)]
    server_error: Signal<Option<String>>,
    #[prop(optional)] check: Option<Check>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    view! {
        <CheckedInput
            label=label
            name=name.to_owned()
            input_type=input_type.to_owned()
            autocomplete=autocomplete.map(str::to_owned)
            value
            server_error=server_error.get_untracked()
            check
            required
        />
    }
}

/// The field itself: an island, so only this hydrates (to check on change).
#[island]
fn CheckedInput(
    label: String,
    name: String,
    input_type: String,
    autocomplete: Option<String>,
    value: Option<String>,
    server_error: Option<String>,
    check: Option<Check>,
    required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let error = RwSignal::new(server_error);
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(check) = check {
            error.set(check.run(&event_target_value(&ev)).err());
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                value=value
                required=required
                aria-invalid=move || if error.read().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:change=on_change
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// The value of a server action (`action.value()`): its last answer.
pub trait ActionValue<T>:
    With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static
{
}
impl<T, W> ActionValue<T> for W where
    W: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static
{
}

/// The error of a server action for `field`, as a signal for `FormField`.
pub fn field_error<T: 'static>(
    value: impl ActionValue<T>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.field_error(field),
            _ => None,
        })
    })
}

/// The form-level message of a failed action: anything that is not a
/// field error.
#[component]
pub fn FormError<T: 'static, V: ActionValue<T>>(
    value: V,
    #[prop(optional)] _marker: std::marker::PhantomData<T>,
) -> impl IntoView {
    move || {
        value.with(|v| match v {
            Some(Err(AppError::Validation(_))) | None | Some(Ok(_)) => None,
            Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
        })
    }
}
