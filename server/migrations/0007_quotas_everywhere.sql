-- A template image upload counts against its uploader's disk quota.
ALTER TABLE template_versions ADD COLUMN uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
