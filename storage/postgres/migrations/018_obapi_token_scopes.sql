-- An access token's own scopes, when a refresh asked for fewer than its
-- grant's (RFC 6749 section 6); empty: the grant's.
ALTER TABLE obapi_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';
