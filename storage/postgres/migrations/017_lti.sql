-- LTI 1.3 (package lti): the learning platforms institutions register,
-- the nonces of logins waiting for their launch (by SHA-256 only), the
-- courses linked to badge classes, and the tool's sealed RSA key.
CREATE TABLE lti_platforms (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL,
	iss            text NOT NULL,
	client_id      text NOT NULL,
	data           jsonb NOT NULL,
	UNIQUE (iss, client_id)
);
CREATE INDEX lti_platforms_institution ON lti_platforms (institution_id);

CREATE TABLE lti_nonces (
	hash    text PRIMARY KEY,
	expires timestamptz NOT NULL
);

CREATE TABLE lti_links (
	platform_id text COLLATE "C" NOT NULL REFERENCES lti_platforms (id),
	context_id  text NOT NULL,
	version     bigint NOT NULL,
	data        jsonb NOT NULL,
	PRIMARY KEY (platform_id, context_id)
);

CREATE TABLE lti_tool_keys (
	id     text PRIMARY KEY,
	sealed bytea NOT NULL
);
