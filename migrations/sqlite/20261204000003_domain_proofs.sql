-- DNS-proven domains (SPEC §9): a domain's TXT record
-- _portico-challenge.<domain> = portico-verification=<token> proves the
-- tenant controls it; auto-join (and later join requests and SSO) needs
-- that proof, and a proven domain belongs to one tenant of the instance.
ALTER TABLE tenant_domains ADD COLUMN verification_token TEXT;
ALTER TABLE tenant_domains ADD COLUMN verified_at BIGINT;
UPDATE tenant_domains SET verification_token = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX tenant_domains_proven_key ON tenant_domains (domain) WHERE verified_at IS NOT NULL;
