"""add users.display_name (the other branch, written at the same time)

Revision ID: acc0002b
Revises: acc0001
Create Date: 2026-11-09 11:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "acc0002b"
down_revision = "acc0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("display_name", sa.String(120)))
    users = sa.table("users", sa.column("email", sa.String), sa.column("display_name", sa.String))
    op.execute(users.update().values(display_name=users.c.email))


def downgrade():
    op.drop_column("users", "display_name")
