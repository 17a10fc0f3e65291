"""Alembic's environment for the accounts service: the database comes from DATABASE_URL, which
dbctl (or the service's own deployment) sets; the models give autogenerate its metadata."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from accounts_service.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set (dbctl env prints it; dbctl migrate sets it)")
    return url


# Two services in one MySQL database (shared mode) need a version table each; dbctl passes the
# one the service's manifest names (version_table:), so dbctl and Alembic read the same table.
VERSION_TABLE = os.environ.get("ALEMBIC_VERSION_TABLE", "alembic_version")


def run_migrations_offline():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True,
                      version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
