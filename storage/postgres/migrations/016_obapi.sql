-- The Open Badges 3.0 API (package obapi): registered applications, the
-- learners' grants to them, their codes and tokens (by SHA-256 only), and
-- the profile changes learners made through the API.
CREATE TABLE obapi_clients (
	id            text PRIMARY KEY,
	secret_hash   text NOT NULL,
	name          text NOT NULL,
	uri           text NOT NULL,
	logo_uri      text NOT NULL DEFAULT '',
	redirect_uris text[] NOT NULL,
	scopes        text[] NOT NULL,
	created       timestamptz NOT NULL
);

CREATE TABLE obapi_grants (
	id        text PRIMARY KEY,
	client_id text NOT NULL REFERENCES obapi_clients (id),
	user_id   text NOT NULL,
	scopes    text[] NOT NULL,
	created   timestamptz NOT NULL,
	revoked   timestamptz
);
CREATE INDEX obapi_grants_user ON obapi_grants (user_id, created, id);

CREATE TABLE obapi_tokens (
	hash           text PRIMARY KEY,
	kind           text NOT NULL,
	grant_id       text NOT NULL REFERENCES obapi_grants (id),
	redirect_uri   text NOT NULL DEFAULT '',
	code_challenge text NOT NULL DEFAULT '',
	created        timestamptz NOT NULL,
	expires        timestamptz NOT NULL,
	used           timestamptz
);
CREATE INDEX obapi_tokens_grant ON obapi_tokens (grant_id);

CREATE TABLE obapi_profiles (
	user_id     text PRIMARY KEY,
	name        text NOT NULL DEFAULT '',
	description text NOT NULL DEFAULT '',
	url         text NOT NULL DEFAULT '',
	updated     timestamptz NOT NULL
);
