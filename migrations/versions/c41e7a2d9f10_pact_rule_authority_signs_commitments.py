"""The pact's rule whether the public authority signs each commitment

Revision ID: c41e7a2d9f10
Revises: c41d7e2a9f03
Create Date: 2026-12-03 13:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c41e7a2d9f10'
down_revision = 'c41d7e2a9f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pact', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'authority_signs_commitments',
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table('pact', schema=None) as batch_op:
        batch_op.drop_column('authority_signs_commitments')
