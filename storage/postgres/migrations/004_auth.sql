-- Package auth's credentials: sessions, API clients, OAuth access tokens.
-- Only SHA-256 hashes (hex) of tokens and secrets are stored. Times are
-- timestamptz (microseconds, as the service truncates them).
CREATE TABLE auth_sessions (
	hash      text COLLATE "C" PRIMARY KEY,
	user_id   text NOT NULL,
	email     text NOT NULL DEFAULT '',
	superuser boolean NOT NULL DEFAULT false,
	created   timestamptz NOT NULL,
	expires   timestamptz NOT NULL
);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires);

CREATE TABLE auth_clients (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL,
	name           text NOT NULL,
	secret_hash    text COLLATE "C" NOT NULL UNIQUE,
	created_by     text NOT NULL DEFAULT '',
	created        timestamptz NOT NULL,
	last_used      timestamptz,
	revoked        timestamptz
);
CREATE INDEX auth_clients_institution ON auth_clients (institution_id, created, id);

CREATE TABLE auth_access_tokens (
	hash      text COLLATE "C" PRIMARY KEY,
	client_id text COLLATE "C" NOT NULL REFERENCES auth_clients (id),
	created   timestamptz NOT NULL,
	expires   timestamptz NOT NULL
);
CREATE INDEX auth_access_tokens_expires ON auth_access_tokens (expires);
