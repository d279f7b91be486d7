-- How many indexes of a status list concurrent claims reserved, counted
-- on one of 16 rows per list (the index modulo 16) rather than on the
-- list's own row: each claim's transaction holds its count row's lock
-- until it commits, and one row per list made every claim of an issuer
-- wait for the one before it. A list's count is its allocated column
-- (reservations through Allocate, and those made before this table) plus
-- the sum of its rows here. Its indexes are its size at most, whatever
-- the count: the slots' primary key allows each index once.
CREATE TABLE issuance_status_counts (
	list_id  text     NOT NULL REFERENCES issuance_status_lists (id) ON DELETE CASCADE,
	stripe   smallint NOT NULL CHECK (stripe >= 0 AND stripe < 16),
	reserved integer  NOT NULL CHECK (reserved > 0),
	PRIMARY KEY (list_id, stripe)
);

-- badged_refuse fails the statement, and so the transaction, with the
-- SQLSTATE code and message given: a batch sent as one implicit
-- transaction ends with a refusal that a check in SQL makes, instead of
-- asking the server again before committing.
CREATE FUNCTION badged_refuse(code text, message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END
$$;
