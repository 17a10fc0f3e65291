"""create teams (one branch: written on a feature branch)

Revision ID: acc0002a
Revises: acc0001
Create Date: 2026-11-09 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "acc0002a"
down_revision = "acc0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
    )


def downgrade():
    op.drop_table("teams")
