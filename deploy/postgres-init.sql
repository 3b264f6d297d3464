-- Run once by the postgres service of docker-compose.yml, on an empty volume, as
-- bieb_owner: the superuser that owns the database and runs `bieb db upgrade`.
-- It makes the runtime role that the API, the workers and the scheduler log in
-- as; each upgrade grants that role what it may do (README "Database roles").
\getenv runtime_password BIEB_RUNTIME_PASSWORD
CREATE ROLE bieb LOGIN PASSWORD :'runtime_password';
