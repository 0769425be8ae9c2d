-- Fair webhook delivery (issue 20): the worker asks, per enabled endpoint,
-- whether it has due deliveries and how many are being attempted, so that
-- one tenant's slow receivers never hold another tenant's deliveries.
CREATE INDEX webhook_deliveries_endpoint_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_leased_idx ON webhook_deliveries (endpoint_id, locked_until) WHERE status = 'pending' AND locked_until IS NOT NULL;
DROP INDEX webhook_deliveries_due_idx;
