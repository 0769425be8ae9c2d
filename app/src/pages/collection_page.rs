//! `/t/{tenantId}/organisations` and `/t/{tenantId}/projects`: the two
//! named collections of a tenant, listed for members and created, renamed
//! and deleted by tenant managers.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::dto::NamedItem;
use crate::error::AppError;
use crate::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Organisations,
    Projects,
}

impl Kind {
    fn title(self) -> String {
        match self {
            Kind::Organisations => t!("nav-organisations"),
            Kind::Projects => t!("nav-projects"),
        }
    }
    fn new_heading(self) -> String {
        match self {
            Kind::Organisations => t!("collection-new-organisation"),
            Kind::Projects => t!("collection-new-project"),
        }
    }
    fn create_label(self) -> String {
        match self {
            Kind::Organisations => t!("collection-create-organisation"),
            Kind::Projects => t!("collection-create-project"),
        }
    }
    fn path(self) -> &'static str {
        match self {
            Kind::Organisations => "organisations",
            Kind::Projects => "projects",
        }
    }
    #[cfg(feature = "ssr")]
    fn collection(self) -> crate::backend::tenant_admin::Collection {
        match self {
            Kind::Organisations => crate::backend::tenant_admin::Collection::Organisations,
            Kind::Projects => crate::backend::tenant_admin::Collection::Projects,
        }
    }
    #[cfg(feature = "ssr")]
    fn parse(s: &str) -> Result<Kind, AppError> {
        match s {
            "organisations" => Ok(Kind::Organisations),
            "projects" => Ok(Kind::Projects),
            _ => Err(AppError::NotFound),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub items: Vec<NamedItem>,
    pub can_manage: bool,
}

#[server(prefix = "/rpc", endpoint = "get_collection")]
pub async fn get_collection(tenant_id: i64, kind: String) -> Result<CollectionData, AppError> {
    let kind = Kind::parse(&kind)?;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let items = crate::backend::tenant_admin::list_named(&state, &actor, kind.collection()).await?;
    let tenant_name = actor.tenant_name.clone();
    Ok(CollectionData {
        tenant_id,
        tenant_name,
        items,
        can_manage: actor.is_tenant_manager(),
    })
}

#[server(prefix = "/rpc", endpoint = "create_collection_item")]
pub async fn create_collection_item(
    tenant_id: i64,
    kind: String,
    name: String,
) -> Result<(), AppError> {
    let kind = Kind::parse(&kind)?;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::create_named(&state, &actor, kind.collection(), &name).await?;
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "rename_collection_item")]
pub async fn rename_collection_item(
    tenant_id: i64,
    kind: String,
    id: i64,
    name: String,
) -> Result<(), AppError> {
    let kind = Kind::parse(&kind)?;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::rename_named(&state, &actor, kind.collection(), id, &name).await
}

#[server(prefix = "/rpc", endpoint = "delete_collection_item")]
pub async fn delete_collection_item(tenant_id: i64, kind: String, id: i64) -> Result<(), AppError> {
    let kind = Kind::parse(&kind)?;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::delete_named(&state, &actor, kind.collection(), id).await
}

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    view! { <CollectionPage kind=Kind::Organisations /> }
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    view! { <CollectionPage kind=Kind::Projects /> }
}

#[component]
fn CollectionPage(kind: Kind) -> impl IntoView {
    let tenant_id = use_tenant_id();
    let create = ServerAction::<CreateCollectionItem>::new();
    let rename = ServerAction::<RenameCollectionItem>::new();
    let delete = ServerAction::<DeleteCollectionItem>::new();
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
            )
        },
        move |(t, ..)| get_collection(t, kind.path().to_owned()),
    );
    view! {
        <Title text=kind.title() />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    data.await.map(|d| view! { <CollectionView kind d create rename delete /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn CollectionView(
    kind: Kind,
    d: CollectionData,
    create: ServerAction<CreateCollectionItem>,
    rename: ServerAction<RenameCollectionItem>,
    delete: ServerAction<DeleteCollectionItem>,
) -> impl IntoView {
    let tenant_id = d.tenant_id;
    let created = create.value();
    view! {
        <TenantNav tenant_id tenant_name=d.tenant_name.clone() />
        <h1>{kind.title()}</h1>
        <FormError value=rename.value() />
        <FormError value=delete.value() />
        {d.can_manage.then(|| view! {
            <section class="panel" aria-labelledby="new-item">
                <h2 id="new-item">{kind.new_heading()}</h2>
                <ActionForm action=create attr:class="stacked">
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <input type="hidden" name="kind" value=kind.path() />
                    <FormField label={t!("field-name")} name="name" server_error=field_error(created, "name") />
                    <FormError value=created />
                    <button type="submit">{kind.create_label()}</button>
                </ActionForm>
            </section>
        })}
        <div class="table-scroll" tabindex="0">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!("field-name")}</th>
                        {(kind == Kind::Organisations).then(|| view! { <th scope="col">{t!("nav-members")}</th> })}
                        {d.can_manage.then(|| view! { <th scope="col">{t!("col-actions")}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {d.items.into_iter().map(|item| {
                        let rename_label = t!("collection-rename-label", name = item.name.clone());
                        let delete_label = t!("collection-delete-label", name = item.name.clone());
                        let input_id = format!("rename-{}", item.id);
                        view! {
                            <tr>
                                <td>{item.name.clone()}</td>
                                {(kind == Kind::Organisations).then(|| view! { <td>{item.members}</td> })}
                                {d.can_manage.then(|| view! {
                                    <td class="actions">
                                        <ActionForm action=rename attr:class="inline-form">
                                            <input type="hidden" name="tenant_id" value=tenant_id />
                                            <input type="hidden" name="kind" value=kind.path() />
                                            <input type="hidden" name="id" value=item.id />
                                            <label class="visually-hidden" for=input_id.clone()>{rename_label}</label>
                                            <input id=input_id type="text" name="name" value=item.name.clone() required />
                                            <button type="submit" class="secondary">{t!("collection-rename")}</button>
                                        </ActionForm>
                                        <ActionForm action=delete attr:class="inline-form">
                                            <input type="hidden" name="tenant_id" value=tenant_id />
                                            <input type="hidden" name="kind" value=kind.path() />
                                            <input type="hidden" name="id" value=item.id />
                                            <button type="submit" class="danger" aria-label=delete_label>{t!("collection-delete")}</button>
                                        </ActionForm>
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
