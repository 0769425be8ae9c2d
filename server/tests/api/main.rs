//! HTTP tests: one binary, one module per area. Each test spawns Portico on
//! port 0 with a fresh database (SQLite, or PostgreSQL when
//! `PORTICO_TEST_POSTGRES` is set).

mod accounts;
mod adversarial;
mod api_auth;
mod assets;
mod compat;
mod contract;
mod counters;
mod data_layer;
mod direct_writes;
mod dns_server;
mod domains;
mod foundation;
mod helpers;
mod hook_receiver;
mod invite_links;
mod invites;
mod join_page;
mod join_requests;
mod languages;
mod list_totals;
mod mail;
mod member_search;
mod oidc;
mod openapi;
mod ownership;
mod schema;
mod scim;
mod seats;
mod services;
mod sessions;
mod smtp_sink;
mod sso;
mod tenant_admin;
mod webhooks;
