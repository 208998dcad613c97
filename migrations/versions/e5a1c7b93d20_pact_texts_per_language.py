"""The pact's own texts per language: title, introduction and governance in its
other languages, and its themes' names in any

Revision ID: e5a1c7b93d20
Revises: d7a3c5e81b42
Create Date: 2026-12-20 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e5a1c7b93d20'
down_revision = 'd7a3c5e81b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pact_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pact_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('field', sa.String(length=80), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['pact_id'],
            ['pact.id'],
            name=op.f('fk_pact_text_pact_id_pact'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_text')),
        sa.UniqueConstraint(
            'pact_id',
            'language',
            'field',
            name=op.f('uq_pact_text_pact_id_language_field'),
        ),
    )


def downgrade():
    op.drop_table('pact_text')
