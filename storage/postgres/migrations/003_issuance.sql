-- Issuance (package issuance): institutions' key rings, status lists with
-- their allocated indexes, and issued credentials. IDs are the domain's;
-- there are no foreign keys to the hierarchy, whose records are never
-- deleted. version columns are authoritative.
CREATE TABLE issuance_key_rings (
	institution_id text COLLATE "C" PRIMARY KEY,
	version        bigint NOT NULL,
	ring           jsonb  NOT NULL -- keys.Ring, itself versioned
);

CREATE TABLE issuance_status_lists (
	id                 text COLLATE "C" PRIMARY KEY,
	issuer_id          text COLLATE "C" NOT NULL,
	purpose            text NOT NULL,
	seq                integer NOT NULL,
	size               integer NOT NULL CHECK (size > 0),
	allocated          integer NOT NULL DEFAULT 0 CHECK (allocated <= size),
	encoded_list       text NOT NULL,
	version            bigint NOT NULL,
	credential         bytea, -- the signed list credential, exact bytes
	credential_version bigint NOT NULL DEFAULT 0,
	signed_at          timestamptz,
	created_at         timestamptz NOT NULL,
	UNIQUE (issuer_id, purpose, seq)
);

-- One row per allocated index: the primary key makes two allocations of
-- one index impossible, whatever the transactions do.
CREATE TABLE issuance_status_slots (
	list_id  text COLLATE "C" NOT NULL REFERENCES issuance_status_lists (id),
	idx      integer NOT NULL CHECK (idx >= 0),
	award_id text COLLATE "C" NOT NULL UNIQUE,
	PRIMARY KEY (list_id, idx)
);

CREATE TABLE issuance_credentials (
	award_id          text COLLATE "C" PRIMARY KEY,
	id                text COLLATE "C" NOT NULL UNIQUE,
	issuer_id         text COLLATE "C" NOT NULL,
	list_id           text COLLATE "C" NOT NULL REFERENCES issuance_status_lists (id),
	status_list       text NOT NULL,
	idx               integer NOT NULL,
	issued_at         timestamptz NOT NULL,
	valid_until       timestamptz,
	revoked_at        timestamptz,
	revocation_reason text NOT NULL DEFAULT '',
	credential        bytea NOT NULL, -- the signed credential, exact bytes
	UNIQUE (list_id, idx)
);
CREATE INDEX issuance_credentials_issuer ON issuance_credentials (issuer_id, issued_at);
