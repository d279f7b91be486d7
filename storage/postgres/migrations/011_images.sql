-- Badge images (package badgeimage), sanitized, by the lowercase hex
-- SHA-256 of their bytes: a row never changes once written.
CREATE TABLE images (
	sha256     text COLLATE "C" PRIMARY KEY,
	media_type text NOT NULL,
	data       bytea NOT NULL,
	created    timestamptz NOT NULL DEFAULT now()
);
