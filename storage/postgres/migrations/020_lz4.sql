-- Credentials, their VC-JWTs and mails are compressed with lz4 where the
-- server has it (PostgreSQL 14 and later, built with lz4, as Debian's and
-- the official images are): several times cheaper to compress than the
-- default pglz, which took a tenth of the server's time when a cohort
-- claims its badges. A server without it keeps pglz; rows already stored
-- keep the compression they were written with.
DO $$
BEGIN
	ALTER TABLE issuance_credentials ALTER COLUMN credential SET COMPRESSION lz4, ALTER COLUMN jwt SET COMPRESSION lz4;
	ALTER TABLE notify_mails ALTER COLUMN text_body SET COMPRESSION lz4, ALTER COLUMN html_body SET COMPRESSION lz4;
	ALTER TABLE awards ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
	RAISE NOTICE 'lz4 compression is not available: keeping pglz';
END
$$;
