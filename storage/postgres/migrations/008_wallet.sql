-- Package wallet: each learner's wallet key, and their shares, imports,
-- presentations and collections. data holds the record's JSON; the
-- columns beside it are what lookups use. An item's ID is unique per
-- kind; public_id is what a public link names (a share's own ID, else
-- the item's ID).
CREATE TABLE wallet_keys (
	user_id text COLLATE "C" PRIMARY KEY,
	data    jsonb NOT NULL
);

CREATE TABLE wallet_items (
	kind      text COLLATE "C" NOT NULL,
	id        text COLLATE "C" NOT NULL,
	user_id   text COLLATE "C" NOT NULL,
	public_id text COLLATE "C" NOT NULL,
	created   timestamptz NOT NULL,
	data      jsonb NOT NULL,
	PRIMARY KEY (kind, user_id, id),
	UNIQUE (kind, public_id)
);
CREATE INDEX wallet_items_user ON wallet_items (user_id, kind, created, id);
