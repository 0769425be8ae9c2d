-- Events and webhooks (SPEC §8). A tenant's managers register endpoints; every
-- event writes one delivery per subscribed, enabled endpoint in the same
-- transaction as the change (the outbox pattern of the mail), and a worker
-- delivers them with a lease, so several instances never attempt one twice.
CREATE TABLE webhook_endpoints (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url           TEXT   NOT NULL,
    description   TEXT   NOT NULL DEFAULT '',
    -- ',invite.created,member.joined,' or '' for every event type.
    events        TEXT   NOT NULL DEFAULT '',
    -- The signing secret, 'whsec_' + base64 (needed in the clear to sign).
    secret        TEXT   NOT NULL,
    disabled_at   BIGINT,
    -- 'manual' or 'failing' (disabled after three days without a success).
    disabled_reason TEXT,
    -- When the current run of failures began; NULL after a success.
    failing_since BIGINT,
    created_by    BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The Standard Webhooks 'webhook-id': the same on every attempt.
    message_id      TEXT   NOT NULL,
    event_type      TEXT   NOT NULL,
    -- The event as recorded at the change (rendered to the wire at sending).
    payload         TEXT   NOT NULL,
    -- 'pending', 'delivered' or 'failed' (attempts exhausted).
    status          TEXT   NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT,
    response_code   BIGINT,
    last_error      TEXT,
    last_attempt_at BIGINT,
    delivered_at    BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
-- The 30-day clean-up of finished deliveries.
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';
