"""Registrations edited by officials keep a history of changes (who, when, which
fields); officials get a daily digest of waiting registrations, which they may turn
off

Revision ID: b8e4f2a6c913
Revises: f3b8d21c6a47
Create Date: 2026-12-06 19:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b8e4f2a6c913'
down_revision = 'f3b8d21c6a47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'daily_digest', sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )
    op.create_table(
        'registration_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['organisation_id'],
            ['organisation.id'],
            name=op.f('fk_registration_change_organisation_id_organisation'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_change')),
    )
    with op.batch_alter_table('registration_change', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_registration_change_organisation_id'),
            ['organisation_id'],
            unique=False,
        )
    op.create_table(
        'registration_digest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('pact_id', sa.Integer(), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.Column('pending', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['pact_id'],
            ['pact.id'],
            name=op.f('fk_registration_digest_pact_id_pact'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['person_id'],
            ['person.id'],
            name=op.f('fk_registration_digest_person_id_person'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_digest')),
        sa.UniqueConstraint(
            'person_id',
            'pact_id',
            'sent_on',
            name=op.f('uq_registration_digest_person_id_pact_id_sent_on'),
        ),
    )


def downgrade():
    op.drop_table('registration_digest')
    with op.batch_alter_table('registration_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_change_organisation_id'))
    op.drop_table('registration_change')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('daily_digest')
