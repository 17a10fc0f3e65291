"""merge the teams and display_name branches (`alembic merge heads`)

Revision ID: acc0003
Revises: acc0002a, acc0002b
Create Date: 2026-11-10 09:00:00
"""
revision = "acc0003"
down_revision = ("acc0002a", "acc0002b")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
