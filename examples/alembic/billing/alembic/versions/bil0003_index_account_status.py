"""index invoices by account and status

Revision ID: bil0003
Revises: bil0002
Create Date: 2026-11-20 09:00:00
"""
from alembic import op

revision = "bil0003"
down_revision = "bil0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_invoices_account_status", "invoices", ["account_ref", "status"])


def downgrade():
    op.drop_index("ix_invoices_account_status", table_name="invoices")
