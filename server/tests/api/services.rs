//! Services called directly, on the backend's state without a server
//! (`service_state`): the rules below the HTTP layer.

use app::AppError;
use app::backend::AppState;
use app::backend::access::accounts::{self, AccountRow, NewAccount, NewRegistration};
use app::backend::access::actor::Actor;
use app::backend::db::owners::Owned;
use app::domain::{Email, Password, PersonName, ProjectName, TenantName};

use crate::helpers::{PASSWORD, service_state};

/// Registers `email` with a tenant of its own; the account and the tenant.
async fn founder(state: &AppState, email: &str, tenant: &str) -> (AccountRow, i64) {
    let registration = NewRegistration {
        account: NewAccount {
            email: Email::parse(email).unwrap(),
            password: Password::parse(PASSWORD).unwrap(),
            first_name: PersonName::parse("Ada").unwrap(),
            last_name: PersonName::parse("Founder").unwrap(),
            locale: None,
        },
        tenant_name: TenantName::parse(tenant).unwrap(),
        project_name: ProjectName::parse("Launch").unwrap(),
    };
    let registered = accounts::register(state, registration, None).await.unwrap();
    let account = accounts::get(state, registered.account_id)
        .await
        .unwrap()
        .unwrap();
    (account, registered.tenant_id)
}

#[tokio::test]
async fn a_row_named_by_id_finds_its_tenant_and_only_its_members_reach_it() {
    let state = service_state(&[]).await;
    let (ada, acme) = founder(&state, "ada@example.com", "Acme").await;
    let (bea, bravo) = founder(&state, "bea@example.com", "Bravo").await;
    let ada_in_acme = Actor::for_tenant(&state, ada.clone(), acme).await.unwrap();
    let row = ada_in_acme.member_id;

    let found = Actor::for_row(&state, ada.clone(), Owned::Member, row, None)
        .await
        .unwrap();
    assert_eq!(found.tenant_id, acme);
    // Another tenant's member learns nothing: not found, not forbidden.
    assert!(matches!(
        Actor::for_row(&state, bea.clone(), Owned::Member, row, None).await,
        Err(AppError::NotFound)
    ));
    // A tenant id that disagrees with the row's is not found either.
    assert!(matches!(
        Actor::for_row(&state, ada.clone(), Owned::Member, row, Some(bravo)).await,
        Err(AppError::NotFound)
    ));
    // An id of no row at all, of every kind.
    for kind in [
        Owned::Invite,
        Owned::Member,
        Owned::Webhook,
        Owned::InviteLink,
        Owned::Domain,
    ] {
        assert!(matches!(
            Actor::for_row(&state, ada.clone(), kind, 999_999, None).await,
            Err(AppError::NotFound)
        ));
    }
    // With one tenant, `in_tenant` needs no id; Bea is not in Acme.
    assert_eq!(
        Actor::in_tenant(&state, bea.clone(), None)
            .await
            .unwrap()
            .tenant_id,
        bravo
    );
    assert!(matches!(
        Actor::for_tenant(&state, bea, acme).await,
        Err(AppError::NotFound)
    ));
}
