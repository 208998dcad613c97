"""Staff roles per pact: each staff membership carries the role (official or
facilitator) in that pact; the person's global role becomes their account's kind
(participant, staff or admin). Existing staff keep their role in each of their pacts.

Revision ID: a7c4e9d2b315
Revises: f3b8d2a61c57
Create Date: 2026-12-06 22:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c4e9d2b315'
down_revision = 'f3b8d2a61c57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_pact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE staff_pact SET role = "
        "(SELECT person.role FROM person WHERE person.id = staff_pact.person_id)"
    )
    op.execute("UPDATE staff_pact SET role = 'facilitator' WHERE role IS NULL")
    with op.batch_alter_table('staff_pact', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column(
            'role', new_column_name='kind', existing_type=sa.String(length=20)
        )
    op.execute(
        "UPDATE person SET kind = 'staff' WHERE kind IN ('official', 'facilitator')"
    )


def downgrade():
    # Back to one global role: an official of any pact becomes an official of all.
    op.execute(
        "UPDATE person SET kind = CASE WHEN EXISTS (SELECT 1 FROM staff_pact WHERE "
        "staff_pact.person_id = person.id AND staff_pact.role = 'official') "
        "THEN 'official' ELSE 'facilitator' END WHERE kind IN ('staff', 'admin')"
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column(
            'kind', new_column_name='role', existing_type=sa.String(length=20)
        )
    with op.batch_alter_table('staff_pact', schema=None) as batch_op:
        batch_op.drop_column('role')
