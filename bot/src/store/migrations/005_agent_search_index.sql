-- Agent search is `search like '%term%'`: a trigram index answers it without reading every agent.
-- pg_trgm ships with PostgreSQL (contrib; trusted, so the database owner may create it; on Azure
-- Database for PostgreSQL it must be allow-listed in azure.extensions) and with PGlite.
create extension if not exists pg_trgm;
create index agents_by_search on agents using gin (search gin_trgm_ops);
