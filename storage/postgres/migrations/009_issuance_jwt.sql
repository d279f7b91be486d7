-- Issuance signs each credential twice: the eddsa-rdfc-2022 JSON-LD in
-- credential, and the same credential as an OB 3.0 VC-JWT here. Rows
-- issued before have no JWT ('').
ALTER TABLE issuance_credentials ADD COLUMN jwt text NOT NULL DEFAULT '';
