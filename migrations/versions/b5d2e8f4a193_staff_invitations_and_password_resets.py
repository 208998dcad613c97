"""Staff invitations and password resets: the one-time links e-mailed to staff
(stored as digests), each for one purpose, expiring, used once.

Revision ID: b5d2e8f4a193
Revises: c4e7a9d2b815
Create Date: 2026-12-06 22:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b5d2e8f4a193'
down_revision = 'c4e7a9d2b815'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['person_id'],
            ['person.id'],
            name=op.f('fk_account_token_person_id_person'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash')),
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_account_token_person_id'), ['person_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_person_id'))
    op.drop_table('account_token')
