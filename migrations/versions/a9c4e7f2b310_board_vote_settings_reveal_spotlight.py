"""The board's vote settings (votes per card), whether the votes are revealed to
participants, and the spotlight (what the facilitator focuses everyone on)

Revision ID: a9c4e7f2b310
Revises: b2d9f4e61a08
Create Date: 2026-12-06 22:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a9c4e7f2b310'
down_revision = 'b2d9f4e61a08'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'vote_per_card', sa.Integer(), server_default='5', nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                'votes_revealed',
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column('spotlight_type', sa.String(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column('spotlight_id', sa.Integer(), nullable=True))
    # A board that had a budget other than 5 keeps no tighter limit per card.
    op.execute("UPDATE board SET vote_per_card = vote_budget")


def downgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_column('spotlight_id')
        batch_op.drop_column('spotlight_type')
        batch_op.drop_column('votes_revealed')
        batch_op.drop_column('vote_per_card')
