"""Pending imports of registrations: an official's uploaded file (header, rows), its
column mapping, each row's outcome and how far the import got, kept in the database
so that any app process serves each step

Revision ID: c4e7a9d2b815
Revises: a7c4e9d2b315
Create Date: 2026-12-06 22:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c4e7a9d2b815'
down_revision = 'a7c4e9d2b315'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'registration_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pact_id', sa.Integer(), nullable=False),
        sa.Column('official_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('header', sa.JSON(), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('outcomes', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('imported', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['official_id'],
            ['person.id'],
            name=op.f('fk_registration_import_official_id_person'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['pact_id'],
            ['pact.id'],
            name=op.f('fk_registration_import_pact_id_pact'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_import')),
    )
    with op.batch_alter_table('registration_import', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_registration_import_official_id'),
            ['official_id'],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f('ix_registration_import_pact_id'), ['pact_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('registration_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_import_pact_id'))
        batch_op.drop_index(batch_op.f('ix_registration_import_official_id'))
    op.drop_table('registration_import')
