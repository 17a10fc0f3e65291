"""create memberships

Revision ID: acc0004
Revises: acc0003
Create Date: 2026-11-16 09:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "acc0004"
down_revision = "acc0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False, server_default="member"),
        sa.UniqueConstraint("user_id", "team_id"),
    )


def downgrade():
    op.drop_table("memberships")
