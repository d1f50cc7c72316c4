#!/bin/sh
# First start of the compose PostgreSQL only (docker-entrypoint-initdb.d): one role and one database for the
# conversations (Rasa), one for the referral directory (the action servers). Passwords from secrets.env, read
# here from the environment and passed to psql on stdin.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres <<SQL
CREATE ROLE rasa LOGIN PASSWORD '${TRACKER_DB_PASSWORD}';
CREATE DATABASE rasa OWNER rasa;
CREATE ROLE referrals LOGIN PASSWORD '${REFERRALS_DB_PASSWORD}';
CREATE DATABASE referrals OWNER referrals;
SQL
