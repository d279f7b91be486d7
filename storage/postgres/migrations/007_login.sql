-- Package login's users: people who signed in with an OpenID provider.
-- The ID is derived from (issuer, subject), which is unique as well.
CREATE TABLE login_users (
	id             text COLLATE "C" PRIMARY KEY,
	kind           text NOT NULL,
	provider       text NOT NULL,
	issuer         text COLLATE "C" NOT NULL,
	subject        text COLLATE "C" NOT NULL,
	emails         text[] NOT NULL DEFAULT '{}',
	name           text NOT NULL DEFAULT '',
	eduid          text NOT NULL DEFAULT '',
	eppns          text[] NOT NULL DEFAULT '{}',
	schac_home     text NOT NULL DEFAULT '',
	institution_id text COLLATE "C" NOT NULL DEFAULT '',
	created        timestamptz NOT NULL,
	last_login     timestamptz NOT NULL,
	UNIQUE (issuer, subject)
);
CREATE INDEX login_users_eduid ON login_users (eduid) WHERE eduid <> '';
