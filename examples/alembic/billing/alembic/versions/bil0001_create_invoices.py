"""create invoices

Revision ID: bil0001
Revises:
Create Date: 2026-11-03 09:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "bil0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_ref", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("invoices")
