"""the staff register: staff and their logins, and who did each step by staff id

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:40:00.000000

Code 6.13 is checked by staff id from now on, not by a typed name. The free-text names
already in the records (stage handlers, the audit's actors, each record's "by") become
staff rows, one per person: spellings that differ only in case or spaces are one person.
An actor that looks like a login (one lower-case word) becomes that person's login. The
earliest actor in the audit is the first admin, as the first login on a new database is.
Each spelling's key is kept in staff_alias, so old records still find their person.
What was merged is kept in the setting `staff_register_merged` for `chc staff list`.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# table -> the column that names who did the step
_BY_COLUMNS = {
    'complaint': 'created_by', 'definition': 'defined_by', 'extension': 'decided_by',
    'response': 'responded_by', 'refusal': 'refused_by', 'letter': 'sent_by',
    'withdrawal': 'recorded_by', 'correspondence': 'recorded_by', 'attachment': 'added_by',
    'vulnerability': 'recorded_by', 'adjustment': 'recorded_by', 'representative': 'recorded_by',
    'restriction': 'recorded_by', 'service_request': 'recorded_by', 'remedy': 'recorded_by',
    'action': 'recorded_by', 'ombudsman_case': 'recorded_by', 'ombudsman_request': 'recorded_by',
    'ombudsman_finding': 'recorded_by', 'ombudsman_order': 'recorded_by', 'lesson': 'recorded_by',
}
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]*$")


def _key(name: str) -> str:
    # The same rule as chc_tui.steps.staff.name_key (a migration must not import the app).
    return "".join(name.split()).casefold()


def _add_staff_column(table: str, column: str) -> None:
    # ADD COLUMN with an inline REFERENCES: SQLite adds it in place (a table rebuild would
    # be refused with foreign keys on, and slow on ten years of records).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES staff (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), sa.ForeignKey('staff.id'), nullable=True))
    op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def upgrade() -> None:
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('job_title', sa.String(), nullable=False),
    sa.Column('email', sa.String(), nullable=False),
    sa.Column('phone', sa.String(), nullable=False),
    sa.Column('roles', sa.String(), nullable=False),
    sa.Column('active_from', sa.Date(), nullable=False),
    sa.Column('active_to', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('staff_login',
    sa.Column('login', sa.String(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('login')
    )
    with op.batch_alter_table('staff_login', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_login_staff_id'), ['staff_id'], unique=False)
    op.create_table('staff_alias',
    sa.Column('name_key', sa.String(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('name_key')
    )
    with op.batch_alter_table('staff_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_alias_staff_id'), ['staff_id'], unique=False)
    for table in _BY_COLUMNS:
        _add_staff_column(table, 'by_staff_id')
    _add_staff_column('audit_entry', 'actor_staff_id')
    _add_staff_column('stage_record', 'handler_staff_id')
    _register_the_names_in_the_records(op.get_bind())


def _register_the_names_in_the_records(conn) -> None:
    spellings: Counter[str] = Counter()
    stage_two: set[str] = set()
    for name, stage in conn.execute(sa.text("SELECT handler, stage FROM stage_record")):
        spellings[name] += 1
        if stage == 2:
            stage_two.add(_key(name))
    actors = [a for (a,) in conn.execute(sa.text("SELECT actor FROM audit_entry ORDER BY at, id"))]
    spellings.update(actors)
    for table, column in _BY_COLUMNS.items():
        for (name,) in conn.execute(sa.text(f"SELECT DISTINCT {column} FROM {table}")):
            spellings[name] += 1
    # A stage 1 handler reassigned away is named only in the audit of the assignment.
    for (details,) in conn.execute(sa.text("SELECT details_json FROM audit_entry WHERE action IN ('log', 'assign')")):
        facts = json.loads(details or "{}")
        spellings.update(str(facts[k]) for k in ("handler", "from", "to") if facts.get(k))
    people: dict[str, list[str]] = defaultdict(list)
    for name, _ in spellings.most_common():
        if name and name.strip():
            people[_key(name)].append(name)
    if not people:
        return
    first_admin = next((_key(a) for a in actors if a and a.strip()), None)
    logins = {a for a in actors if a and _LOGIN.match(a)}
    staff_ids: dict[str, int] = {}
    merged = []
    today = date.today()
    for key, names in people.items():
        # A spelling with a space is a full name ("Alice Smith"); otherwise the commonest.
        shown = next((n.strip() for n in names if " " in n.strip()), names[0].strip())
        roles = ["handler"] + (["stage2-reviewer"] if key in stage_two else []) + (["admin"] if key == first_admin else [])
        staff_id = conn.execute(
            sa.text("INSERT INTO staff (display_name, job_title, email, phone, roles, active_from, active_to, version, created_at)"
                    " VALUES (:n, '', '', '', :r, :f, NULL, 1, CURRENT_TIMESTAMP) RETURNING id"),
            {"n": shown, "r": ",".join(roles), "f": today},
        ).scalar_one()
        staff_ids[key] = staff_id
        own_logins = sorted({n for n in names if n in logins})
        conn.execute(sa.text("INSERT INTO staff_alias (name_key, staff_id) VALUES (:k, :s)"), {"k": key, "s": staff_id})
        for login in own_logins:
            conn.execute(sa.text("INSERT INTO staff_login (login, staff_id) VALUES (:l, :s)"), {"l": login, "s": staff_id})
        merged.append({"staff_id": staff_id, "display_name": shown, "spellings": sorted(set(names)), "logins": own_logins})
    conn.execute(sa.text("CREATE TEMPORARY TABLE staff_spelling (spelling VARCHAR PRIMARY KEY, staff_id INTEGER NOT NULL)"))
    conn.execute(
        sa.text("INSERT INTO staff_spelling (spelling, staff_id) VALUES (:n, :s)"),
        [{"n": n, "s": staff_ids[key]} for key, names in people.items() for n in names],
    )
    fill = "(SELECT staff_id FROM staff_spelling WHERE spelling = {table}.{column})"
    for table, column in [*_BY_COLUMNS.items(), ('audit_entry', 'actor'), ('stage_record', 'handler')]:
        target = {'audit_entry': 'actor_staff_id', 'stage_record': 'handler_staff_id'}.get(table, 'by_staff_id')
        conn.execute(sa.text(f"UPDATE {table} SET {target} = " + fill.format(table=table, column=column)))
    conn.execute(sa.text("DROP TABLE staff_spelling"))
    conn.execute(
        sa.text("INSERT INTO setting (key, value) VALUES ('staff_register_merged', :v)"),
        {"v": json.dumps(merged, sort_keys=True)},
    )


def downgrade() -> None:
    for table in [*_BY_COLUMNS, 'audit_entry', 'stage_record']:
        column = {'audit_entry': 'actor_staff_id', 'stage_record': 'handler_staff_id'}.get(table, 'by_staff_id')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
            batch_op.drop_column(column)
    op.execute("DELETE FROM setting WHERE key = 'staff_register_merged'")
    with op.batch_alter_table('staff_login', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_login_staff_id'))
    op.drop_table('staff_login')
    with op.batch_alter_table('staff_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_alias_staff_id'))
    op.drop_table('staff_alias')
    op.drop_table('staff')
