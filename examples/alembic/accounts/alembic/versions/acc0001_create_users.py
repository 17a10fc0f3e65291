"""create users

Revision ID: acc0001
Revises:
Create Date: 2026-11-02 09:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "acc0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("users")
