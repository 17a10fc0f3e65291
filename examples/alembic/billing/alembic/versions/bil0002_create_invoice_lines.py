"""create invoice_lines, and invoices.total_cents filled from them

Revision ID: bil0002
Revises: bil0001
Create Date: 2026-11-12 09:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "bil0002"
down_revision = "bil0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("invoice_id", sa.Integer, sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
    )
    op.add_column("invoices", sa.Column("total_cents", sa.BigInteger, nullable=False, server_default="0"))
    op.execute(
        "UPDATE invoices SET total_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM invoice_lines "
        "WHERE invoice_lines.invoice_id = invoices.id)"
    )


def downgrade():
    op.drop_column("invoices", "total_cents")
    op.drop_table("invoice_lines")
