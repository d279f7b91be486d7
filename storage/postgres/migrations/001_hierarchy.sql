-- The issuing hierarchy and its memberships. Each record is its JSON form
-- (storage/internal/record) in data; the columns beside it are the ones
-- queries filter, order or join on. version is authoritative.
CREATE TABLE institutions (
	id         text COLLATE "C" PRIMARY KEY,
	version    bigint NOT NULL,
	created_ns bigint NOT NULL,
	data       jsonb  NOT NULL
);
CREATE INDEX institutions_order ON institutions (created_ns, id);

CREATE TABLE issuer_groups (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL REFERENCES institutions (id),
	version        bigint NOT NULL,
	created_ns     bigint NOT NULL,
	data           jsonb  NOT NULL
);
CREATE INDEX issuer_groups_children ON issuer_groups (institution_id, created_ns, id);

CREATE TABLE issuers (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL REFERENCES institutions (id),
	group_id       text COLLATE "C" NOT NULL REFERENCES issuer_groups (id),
	version        bigint NOT NULL,
	created_ns     bigint NOT NULL,
	data           jsonb  NOT NULL
);
CREATE INDEX issuers_children ON issuers (group_id, created_ns, id);

CREATE TABLE badge_classes (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL REFERENCES institutions (id),
	issuer_id      text COLLATE "C" NOT NULL REFERENCES issuers (id),
	version        bigint NOT NULL,
	created_ns     bigint NOT NULL,
	data           jsonb  NOT NULL
);
CREATE INDEX badge_classes_children ON badge_classes (issuer_id, created_ns, id);

CREATE TABLE memberships (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL REFERENCES institutions (id),
	node_id        text COLLATE "C" NOT NULL,
	role           text NOT NULL,
	user_id        text COLLATE "C" NOT NULL DEFAULT '',
	email          text COLLATE "C" NOT NULL DEFAULT '',
	version        bigint NOT NULL,
	created_ns     bigint NOT NULL,
	data           jsonb  NOT NULL
);
CREATE INDEX memberships_node ON memberships (node_id, created_ns, id);
CREATE INDEX memberships_user ON memberships (user_id, created_ns, id) WHERE user_id <> '';
CREATE INDEX memberships_invitations ON memberships (email, created_ns, id) WHERE user_id = '';
CREATE INDEX memberships_admins ON memberships (institution_id) WHERE role = 'institution_admin' AND user_id <> '';
