-- OpenID4VP transactions (openid4vp.Transaction), by the hash of their
-- request reference; state and nonce are derived, never stored.
CREATE TABLE openid4vp_transactions (
	id text PRIMARY KEY,
	ask jsonb NOT NULL,
	created timestamptz NOT NULL,
	expires timestamptz NOT NULL,
	outcome jsonb
);
CREATE INDEX openid4vp_transactions_expires ON openid4vp_transactions (expires);
