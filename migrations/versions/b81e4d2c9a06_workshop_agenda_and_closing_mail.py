"""Workshop agenda and the closing summary e-mail: a workshop's planned phases with
their minutes (agenda_item), the digest of the summary last e-mailed when its board
closed (closing_mailing), and the outbox's HTML part and attachments rendered by the
sender (a PDF kept as its HTML).

Revision ID: b81e4d2c9a06
Revises: a9c4e7f2b310
Create Date: 2026-12-06 22:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b81e4d2c9a06'
down_revision = 'a9c4e7f2b310'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agenda_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('workshop_id', 'position'),
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_agenda_item_workshop_id'), ['workshop_id'], unique=False
        )
    op.create_table(
        'closing_mailing',
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['board_id'], ['board.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('board_id'),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('attachment_source', sa.String(length=10), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('attachment_source')
        batch_op.drop_column('html_body')
    op.drop_table('closing_mailing')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_workshop_id'))
    op.drop_table('agenda_item')
