"""Server-side login sessions and one-time login links

Revision ID: d7a3c5e81b42
Revises: d7a3e51c0b24
Create Date: 2026-12-10 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd7a3c5e81b42'
down_revision = 'd7a3e51c0b24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_session',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'],
            ['person.id'],
            name=op.f('fk_login_session_person_id_person'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_login_session_person_id'), ['person_id'], unique=False
        )
    op.create_table(
        'login_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['person_id'],
            ['person.id'],
            name=op.f('fk_login_link_person_id_person'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_link_token_hash')),
    )
    with op.batch_alter_table('login_link', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_login_link_person_id'), ['person_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('login_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_link_person_id'))
    op.drop_table('login_link')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_person_id'))
    op.drop_table('login_session')
