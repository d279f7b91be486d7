-- Awards: requests and direct awards, through their whole life. As for the
-- hierarchy, data holds the record's JSON form (storage/internal/record)
-- and the columns beside it are what queries filter, order or join on.
-- Times are nanoseconds since the Unix epoch, as created_ns elsewhere.
CREATE TABLE awards (
	id                text COLLATE "C" PRIMARY KEY,
	institution_id    text COLLATE "C" NOT NULL REFERENCES institutions (id),
	badge_class_id    text COLLATE "C" NOT NULL REFERENCES badge_classes (id),
	bundle_id         text COLLATE "C" NOT NULL DEFAULT '',
	kind              text NOT NULL,
	state             text NOT NULL,
	recipient_user    text COLLATE "C" NOT NULL DEFAULT '',
	recipient_eduid   text COLLATE "C" NOT NULL DEFAULT '',
	recipient_eppn    text COLLATE "C" NOT NULL DEFAULT '',
	recipient_email   text COLLATE "C" NOT NULL DEFAULT '',
	scheduled_ns      bigint,
	deadline_ns       bigint,
	reminders         integer[] NOT NULL DEFAULT '{}',
	credential_id     text NOT NULL DEFAULT '',
	version           bigint NOT NULL,
	created_ns        bigint NOT NULL,
	data              jsonb  NOT NULL
);

-- Lists, in (created_ns, id) order.
CREATE INDEX awards_badge_class ON awards (badge_class_id, created_ns, id);
CREATE INDEX awards_bundle ON awards (bundle_id, created_ns, id) WHERE bundle_id <> '';
CREATE INDEX awards_user ON awards (recipient_user, created_ns, id) WHERE recipient_user <> '';
CREATE INDEX awards_eduid ON awards (recipient_eduid, created_ns, id) WHERE recipient_eduid <> '';
CREATE INDEX awards_eppn ON awards (recipient_eppn, created_ns, id) WHERE recipient_eppn <> '';
CREATE INDEX awards_email ON awards (recipient_email, created_ns, id) WHERE recipient_email <> '';

-- Due work: partial indexes hold only the awards waiting for something.
CREATE INDEX awards_scheduled_due ON awards (scheduled_ns, id) WHERE state = 'scheduled';
CREATE INDEX awards_deadline_due ON awards (deadline_ns, id) WHERE state = 'sent';
CREATE INDEX awards_unissued ON awards (created_ns, id) WHERE state = 'accepted' AND credential_id = '';

-- A learner has at most one open request per badge class.
CREATE UNIQUE INDEX awards_open_request ON awards (badge_class_id, recipient_user)
	WHERE kind = 'request' AND state = 'requested' AND recipient_user <> '';
