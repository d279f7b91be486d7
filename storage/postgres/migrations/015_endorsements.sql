-- Endorsements (package endorsement): one institution's signed
-- EndorsementCredential of another's badge class or credential. The
-- record is its JSON form (storage/internal/record) in data; the columns
-- beside it are the ones lists filter and order on. version is
-- authoritative.
CREATE TABLE endorsements (
	id             text COLLATE "C" PRIMARY KEY,
	badge_class_id text COLLATE "C" NOT NULL,
	issuer_id      text COLLATE "C" NOT NULL,
	version        bigint NOT NULL,
	created_ns     bigint NOT NULL,
	data           jsonb  NOT NULL
);
CREATE INDEX endorsements_by_badge_class ON endorsements (badge_class_id, created_ns, id);
CREATE INDEX endorsements_by_issuer ON endorsements (issuer_id, created_ns, id);
