-- API clients' scope for the VC-API (auth.Scope): the issuers and badge
-- classes a client issues for (empty: all of its institution's), and
-- whether it may issue credentials that fit no badge class. Clients made
-- before have the zero scope.
ALTER TABLE auth_clients ADD COLUMN issuers text[] NOT NULL DEFAULT '{}';
ALTER TABLE auth_clients ADD COLUMN badge_classes text[] NOT NULL DEFAULT '{}';
ALTER TABLE auth_clients ADD COLUMN free_form boolean NOT NULL DEFAULT false;
