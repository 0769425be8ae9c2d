//! `/ownership?token=…`: the mailed link of an ownership transfer (SPEC
//! §12). Opening it changes nothing; the nominee, signed in as themselves,
//! accepts or declines with a form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::form_field::FormError;
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::t;

/// What the page shows: the transfer when the viewer may answer it, else
/// why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwnershipView {
    SignedOut,
    Offer {
        tenant_name: String,
        expires_at: i64,
    },
    /// Unknown, used, cancelled, replaced or expired.
    Gone,
    /// Offered to someone else (the sentence says so).
    NotYours(String),
}

#[server(prefix = "/rpc", endpoint = "get_ownership_view")]
pub async fn get_ownership_view(token: String) -> Result<OwnershipView, AppError> {
    use crate::backend::access::session;
    use crate::backend::tenant_admin::ownership;
    let state = crate::backend::app_state()?;
    let Some(account) = session::current_account(&state).await? else {
        return Ok(OwnershipView::SignedOut);
    };
    Ok(match ownership::preview(&state, &account, &token).await {
        Ok(t) => OwnershipView::Offer {
            tenant_name: t.tenant_name,
            expires_at: t.expires_at,
        },
        Err(AppError::NotFound) => OwnershipView::Gone,
        Err(AppError::ForbiddenBecause(why)) => OwnershipView::NotYours(why),
        Err(e) => return Err(e),
    })
}

#[server(prefix = "/rpc", endpoint = "answer_ownership")]
pub async fn answer_ownership(token: String, answer: String) -> Result<(), AppError> {
    use crate::backend::access::session;
    use crate::backend::tenant_admin::ownership::{self, Answer};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let answer = match answer.as_str() {
        "accept" => Answer::Accept,
        "decline" => Answer::Decline,
        _ => return Err(AppError::field("answer", t!("ownership-answer-invalid"))),
    };
    let tenant_id = ownership::answer(&state, &account, &token, answer).await?;
    leptos_axum::redirect(&match answer {
        Answer::Accept => format!("/t/{tenant_id}?owner=1"),
        Answer::Decline => "/ownership?declined=1".to_owned(),
    });
    Ok(())
}

#[component]
pub fn OwnershipPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let declined = move || query.read().get("declined").is_some();
    let action = ServerAction::<AnswerOwnership>::new();
    let data = Resource::new(token, |token| async move {
        if token.is_empty() {
            return Ok(OwnershipView::Gone);
        }
        get_ownership_view(token).await
    });
    view! {
        <Title text={t!("ownership-title")} />
        <section class="panel">
            <h1>{t!("ownership-title")}</h1>
            <FormError value=action.value() />
            <Show
                when=move || !declined()
                fallback=|| view! {
                    <p role="status">{t!("ownership-declined")}</p>
                    <p><a href="/account">{t!("go-to-account")}</a></p>
                }
            >
                <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(v) => answer_view(v, token(), action).into_any(),
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Show>
        </section>
    }
}

fn answer_view(
    v: OwnershipView,
    token: String,
    action: ServerAction<AnswerOwnership>,
) -> impl IntoView {
    match v {
        OwnershipView::SignedOut => {
            let next = format!("/ownership?token={}", crate::format::query_value(&token));
            view! {
                <p>{t!("ownership-sign-in")}</p>
                <p><a class="button" href=format!("/login?next={}", crate::format::query_value(&next))>{t!("sign-in")}</a></p>
            }
            .into_any()
        }
        OwnershipView::Gone => view! {
            <p class="form-error" role="alert" data-testid="transfer-gone">
                {t!("ownership-gone")}
            </p>
        }
        .into_any(),
        OwnershipView::NotYours(why) => view! {
            <p class="form-error" role="alert" data-testid="transfer-not-yours">{why}</p>
        }
        .into_any(),
        OwnershipView::Offer {
            tenant_name,
            expires_at,
        } => {
            let decline_token = token.clone();
            view! {
                <p>{t!("ownership-asked", tenant = tenant_name.clone())}</p>
                <p>
                    {t!("ownership-what")} " " {t!("ownership-ends")} " "
                    <RelativeTime ms=expires_at />"."
                </p>
                <div class="button-row">
                    <ActionForm action>
                        <input type="hidden" name="token" value=token.clone() />
                        <input type="hidden" name="answer" value="accept" />
                        <button type="submit">{t!("ownership-accept")}</button>
                    </ActionForm>
                    <ActionForm action>
                        <input type="hidden" name="token" value=decline_token />
                        <input type="hidden" name="answer" value="decline" />
                        <button type="submit" class="secondary">{t!("invite-decline")}</button>
                    </ActionForm>
                </div>
            }
            .into_any()
        }
    }
}
