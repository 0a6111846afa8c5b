"""Full-text search over skill profiles, in each database's own engine: an FTS5 virtual table on SQLite (rowid =
the profile's id), a tsvector table with a GIN index on PostgreSQL. The application writes a profile's row in the
same transaction as the profile (app.skills.fulltext); deleting a profile deletes its row (a trigger on SQLite, a
cascading foreign key on PostgreSQL). These objects are not in the models: `app.schema.modelled` leaves them out
of the comparison with the metadata.

Revision ID: profiles_01
Revises: skills_01
Create Date: 2026-12-02
"""
from collections.abc import Sequence

from alembic import op

revision: str = "profiles_01"
down_revision: str | Sequence[str] | None = "skills_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Matching scores a tier of profiles from the index alone (app.skills.matching reads only these columns).
    op.create_index("ix_skill_profile_matching", "skill_profile",
                    ["active", "occupation", "mode", "days_per_year", "origin_country", "languages", "skills"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TABLE skill_profile_fts (profile_id INTEGER PRIMARY KEY REFERENCES skill_profile (id)"
                   " ON DELETE CASCADE, document TSVECTOR NOT NULL)")
        op.execute("CREATE INDEX ix_skill_profile_fts_document ON skill_profile_fts USING GIN (document)")
    else:
        op.execute("CREATE VIRTUAL TABLE skill_profile_fts USING fts5(document,"
                   " tokenize = 'unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER skill_profile_fts_forget AFTER DELETE ON skill_profile"
                   " BEGIN DELETE FROM skill_profile_fts WHERE rowid = old.id; END")
    # Profiles written before this revision: indexed by the application on their next save, or by
    # `app.skills.fulltext.rebuild` (none exist yet: skills_01 is from the same session).


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS skill_profile_fts_forget")
    op.execute("DROP TABLE IF EXISTS skill_profile_fts")
    op.drop_index("ix_skill_profile_matching", table_name="skill_profile")
