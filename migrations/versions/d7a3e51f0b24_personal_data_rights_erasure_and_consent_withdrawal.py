"""Personal-data rights: when a person was erased, when a consent was withdrawn

Revision ID: d7a3e51f0b24
Revises: c41e7a2d9f10
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd7a3e51f0b24'
down_revision = 'c41e7a2d9f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_erased_at'), ['erased_at'], unique=False)
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_erased_at'))
        batch_op.drop_column('erased_at')
