"""Breakout groups: a group's board has the workshop's main board as its parent, a
group number and name, and the time its work went back to the main board; who is in
each group; the group a card or commitment came from. One main board per workshop
(a unique index on the boards without a parent) instead of one board per workshop.

Revision ID: b6d1e4a9c027
Revises: b81e4d2c9a06
Create Date: 2026-12-06 22:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b6d1e4a9c027"
down_revision = "b81e4d2c9a06"
branch_labels = None
depends_on = None

MAIN = sa.text("parent_board_id IS NULL")


def upgrade():
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_board_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("group_no", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("group_name", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint("uq_board_workshop_id", type_="unique")
        batch_op.create_foreign_key(
            batch_op.f("fk_board_parent_board_id_board"),
            "board",
            ["parent_board_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_board_parent_board_id"), ["parent_board_id"], unique=False
        )
    op.create_index(
        "uq_board_main_workshop",
        "board",
        ["workshop_id"],
        unique=True,
        sqlite_where=MAIN,
        postgresql_where=MAIN,
    )
    op.create_table(
        "breakout_member",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["board.id"],
            name=op.f("fk_breakout_member_board_id_board"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_breakout_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "board_id", "person_id", name=op.f("pk_breakout_member")
        ),
    )
    for table in ("card", "commitment"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("group_board_id", sa.Integer(), nullable=True)
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_group_board_id_board"),
                "board",
                ["group_board_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade():
    # The groups' boards go (with their cards, by the cascade); what came back from
    # them stays on the main boards.
    for table in ("commitment", "card"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_group_board_id_board"), type_="foreignkey"
            )
            batch_op.drop_column("group_board_id")
    op.drop_table("breakout_member")
    op.execute("DELETE FROM board WHERE parent_board_id IS NOT NULL")
    op.drop_index("uq_board_main_workshop", table_name="board")
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_parent_board_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_board_parent_board_id_board"), type_="foreignkey"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_board_workshop_id"), ["workshop_id"]
        )
        batch_op.drop_column("returned_at")
        batch_op.drop_column("group_name")
        batch_op.drop_column("group_no")
        batch_op.drop_column("parent_board_id")
