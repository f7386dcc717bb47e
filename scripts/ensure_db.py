"""Create the database named by DATABASE_URL if it does not exist yet."""

import os
import sys

import environ
import psycopg
from psycopg import sql

environ.Env.read_env(os.path.join(os.path.dirname(__file__), "..", ".env"))
config = environ.Env.db_url_config(os.environ.get("DATABASE_URL", "postgres:///connexcs"))
name = config["NAME"]
params = {
    k: v
    for k, v in {
        "host": config.get("HOST"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
    }.items()
    if v
}
try:
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
except psycopg.OperationalError as exc:
    sys.exit(
        f"PostgreSQL is not reachable for DATABASE_URL ({exc}). "
        "Start it, or run `docker compose up -d postgres redis`."
    )
