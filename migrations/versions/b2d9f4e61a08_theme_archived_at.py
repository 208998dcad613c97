"""Themes can be archived: an archived theme is no longer offered for new
registrations, cards, commitments or workshops, while what already uses it keeps it.

Revision ID: b2d9f4e61a08
Revises: b5d2e8f4a193
Create Date: 2026-12-06 22:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b2d9f4e61a08'
down_revision = 'b5d2e8f4a193'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
