-- Bulk direct awards (package bulk): a job per accepted or rejected CSV
-- file, and the rows of an accepted one. data holds the job's JSON form;
-- the columns beside it are what the claim query filters and orders on.
-- A job is claimed with SELECT … FOR UPDATE SKIP LOCKED, so each goes to
-- one worker; lease_until_ns lets another take over a job whose worker
-- died.
CREATE TABLE bulk_jobs (
	id             text COLLATE "C" PRIMARY KEY,
	badge_class_id text COLLATE "C" NOT NULL,
	state          text NOT NULL,
	lease_until_ns bigint NOT NULL DEFAULT 0,
	created_ns     bigint NOT NULL,
	version        bigint NOT NULL,
	data           jsonb  NOT NULL
);

CREATE INDEX bulk_jobs_badge_class ON bulk_jobs (badge_class_id, created_ns, id);
CREATE INDEX bulk_jobs_active ON bulk_jobs (created_ns, id) WHERE state IN ('queued', 'running');

CREATE TABLE bulk_rows (
	job_id text COLLATE "C" NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
	idx    integer NOT NULL,
	data   jsonb NOT NULL,
	PRIMARY KEY (job_id, idx)
);
