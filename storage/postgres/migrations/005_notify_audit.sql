-- Package notify's outbox and package audit's trail.

CREATE TABLE notify_mails (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL,
	version        bigint      NOT NULL,
	recipient      text        NOT NULL,
	lang           text        NOT NULL,
	template       text        NOT NULL,
	subject        text        NOT NULL,
	text_body      text        NOT NULL,
	html_body      text        NOT NULL,
	status         text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
	attempts       integer     NOT NULL DEFAULT 0,
	next_attempt   timestamptz NOT NULL,
	last_error     text        NOT NULL DEFAULT '',
	sent           timestamptz,
	created        timestamptz NOT NULL
);
CREATE INDEX notify_mails_due ON notify_mails (next_attempt, id) WHERE status = 'pending';
CREATE INDEX notify_mails_institution ON notify_mails (institution_id, created DESC, id DESC);

-- The audit trail is append-only: the trigger below refuses every UPDATE,
-- DELETE and TRUNCATE, whoever asks. details is json, not jsonb, to keep
-- the recorded text as it was.
CREATE TABLE audit_entries (
	id             text COLLATE "C" PRIMARY KEY,
	institution_id text COLLATE "C" NOT NULL,
	time           timestamptz NOT NULL,
	actor          text COLLATE "C" NOT NULL,
	action         text COLLATE "C" NOT NULL,
	target_kind    text COLLATE "C" NOT NULL,
	target_id      text COLLATE "C" NOT NULL,
	details        json
);
CREATE INDEX audit_entries_institution ON audit_entries (institution_id, time DESC, id DESC);
CREATE INDEX audit_entries_target ON audit_entries (institution_id, target_kind, target_id, time DESC, id DESC);
CREATE INDEX audit_entries_actor ON audit_entries (institution_id, actor, time DESC, id DESC);

CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
	FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
	FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
