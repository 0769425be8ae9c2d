//! A labelled form input that shows its error next to it. The error comes
//! from the browser running the same `parse` as the server (on change) or
//! from the server's answer, whichever is newer.

use leptos::prelude::*;

use crate::error::AppError;

/// Checks a field's value in the browser; the same function the server runs.
pub type Validator = fn(&str) -> Result<(), String>;

#[component]
pub fn FormField(
    /// The visible label, e.g. "Email".
    label: &'static str,
    /// The form field name, i.e. the server function argument.
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    /// The server's error for this field.
    #[prop(into)]
    server_error: Signal<Option<String>>,
    #[prop(optional)] validate: Option<Validator>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let local_error = RwSignal::new(None::<String>);
    // A new server answer replaces what the browser found.
    Effect::new(move |_| {
        server_error.track();
        local_error.set(None);
    });
    let error = move || local_error.get().or_else(|| server_error.get());
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(validate) = validate {
            local_error.set(validate(&event_target_value(&ev)).err());
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
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:change=on_change
            />
            <p class="field-error" id=error_id aria-live="polite">
                {error}
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
