-- The OpenID4VCI authorization code flow (openid4vci.Offer.ClientID,
-- RedirectURI, CodeChallenge): an offer made at the learner's consent, whose
-- code only the wallet that asked redeems, with its PKCE verifier.
ALTER TABLE openid4vci_offers
	ADD COLUMN client_id text NOT NULL DEFAULT '',
	ADD COLUMN redirect_uri text NOT NULL DEFAULT '',
	ADD COLUMN code_challenge text NOT NULL DEFAULT '';
