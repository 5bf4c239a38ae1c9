"""calendar revision counter, raised by triggers on calendar_day and calendar_year

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLES = ("calendar_day", "calendar_year")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade():
    op.create_table('calendar_revision',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_revision'))
    )
    op.execute("INSERT INTO calendar_revision (id, revision) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION bump_calendar_revision() RETURNS trigger AS $$
            BEGIN
                UPDATE calendar_revision SET revision = revision + 1 WHERE id = 1;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql""")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_bumps_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_calendar_revision()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER {table}_{event.lower()}_bumps_revision AFTER {event} ON {table} "
                           f"BEGIN UPDATE calendar_revision SET revision = revision + 1 WHERE id = 1; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_bumps_revision ON {table}")
        op.execute("DROP FUNCTION bump_calendar_revision()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_{event.lower()}_bumps_revision")
    op.drop_table('calendar_revision')
