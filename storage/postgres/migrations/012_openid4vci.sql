-- OpenID4VCI credential offers (openid4vci.Offer) and c_nonces. Codes,
-- tokens and nonces are stored only as SHA-256 hashes.
CREATE TABLE openid4vci_offers (
	id text PRIMARY KEY,
	award_id text NOT NULL,
	configurations text[] NOT NULL,
	code_hash text NOT NULL UNIQUE,
	tx_code_hash text NOT NULL DEFAULT '',
	tx_attempts integer NOT NULL DEFAULT 0,
	created timestamptz NOT NULL,
	expires timestamptz NOT NULL,
	redeemed boolean NOT NULL DEFAULT false,
	token_hash text UNIQUE,
	token_expires timestamptz
);
CREATE TABLE openid4vci_nonces (
	hash text PRIMARY KEY,
	expires timestamptz NOT NULL
);
