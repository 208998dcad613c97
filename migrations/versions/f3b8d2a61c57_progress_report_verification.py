"""Progress reports' verification: the state, who verified or returned a report and
when, the comment of a return, and the returned report a correction supersedes

Revision ID: f3b8d2a61c57
Revises: b8e4f2a6c913
Create Date: 2026-12-21 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f3b8d2a61c57'
down_revision = 'b8e4f2a6c913'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'verification',
                sa.String(length=20),
                server_default='self-reported',
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('review_comment', sa.Text(), server_default='', nullable=False)
        )
        batch_op.add_column(sa.Column('supersedes_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_progress_report_reviewed_by_id_person'),
            'person',
            ['reviewed_by_id'],
            ['id'],
            ondelete='SET NULL',
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_progress_report_supersedes_id_progress_report'),
            'progress_report',
            ['supersedes_id'],
            ['id'],
            ondelete='SET NULL',
        )
    # Reports sent with evidence before verification existed say so.
    op.execute(
        "UPDATE progress_report SET verification = 'evidence attached' "
        "WHERE evidence_url IS NOT NULL OR evidence_file IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_progress_report_supersedes_id_progress_report'),
            type_='foreignkey',
        )
        batch_op.drop_constraint(
            batch_op.f('fk_progress_report_reviewed_by_id_person'),
            type_='foreignkey',
        )
        batch_op.drop_column('supersedes_id')
        batch_op.drop_column('review_comment')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('verification')
