"""a living pact: commitments' joining and withdrawal dates, the pact's change log

Revision ID: f3b8d21c6a47
Revises: e5a1c7b93d20
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8d21c6a47'
down_revision = 'e5a1c7b93d20'
branch_labels = None
depends_on = None

PACT_STATUSES = ("signed", "in progress", "at risk", "done", "dropped")


def upgrade():
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('pact_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pact_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_pact_change_commitment_id_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pact_id'], ['pact.id'], name=op.f('fk_pact_change_pact_id_pact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_change'))
    )
    with op.batch_alter_table('pact_change', schema=None) as batch_op:
        batch_op.create_index('ix_pact_change_pact_at', ['pact_id', 'at'], unique=False)

    # A pact published before this revision: its commitments joined it when it was
    # published, and its change log starts with the publication.
    statuses = ", ".join(f"'{status}'" for status in PACT_STATUSES)
    op.execute(
        "UPDATE commitment SET joined_at = (SELECT pact.published_at FROM pact "
        "WHERE pact.id = commitment.pact_id) "
        f"WHERE status IN ({statuses})"
    )
    op.execute(
        "INSERT INTO pact_change (pact_id, at, kind, reason, details) "
        "SELECT id, published_at, 'published', '', '{}' FROM pact "
        "WHERE published_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('pact_change', schema=None) as batch_op:
        batch_op.drop_index('ix_pact_change_pact_at')

    op.drop_table('pact_change')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('joined_at')
