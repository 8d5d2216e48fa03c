"""The timeline of two actors: each actor's events in time order, off one index.

`timeline --with` (and an actor with a place) asks for the events of two frequent entities in the timeline's
order (undated last, then the event's day: `events.sort_day`, 0008_kbquery). Walked along the events' order
index checking both, a pair whose shared events are a sliver of the base's read most of its 490,000 events at a
million claims; their intersection read both entities' lists (30,000-190,000 events): 90-150 ms at p95 either
way (bench/README.md, "A million claims on a quiet machine").

Here each `event_entities` row keeps its event's `undated` and `sort_day` (written with the row by the grouping;
an event's day never changes without its rows being written again), and `ix_event_entities_entity_time` on
(entity_id, undated, sort_day, event_id, role) gives one entity's events in time order: the timeline walks the rarer
entity's events, checking the other's, and stops at the page (kb.KnowledgeBase._walk_rarest: 2-14 ms for the
pairs that took 90-150).

Revision ID: 0012_timeline
Revises: 0011_pg1m
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_timeline"
down_revision = "0011_pg1m"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE ... ADD COLUMN on both (a batch operation would copy the table on SQLite, dropping the
    # triggers that keep its count, 0008_kbquery)
    op.add_column("event_entities", sa.Column("undated", sa.Boolean, nullable=False, server_default=sa.false(),
                                              comment="the event's undated"))
    op.add_column("event_entities", sa.Column("sort_day", sa.Date, comment="the event's sort_day"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE event_entities ee SET undated = e.undated, sort_day = e.sort_day FROM events e "
                   "WHERE e.id = ee.event_id")
    else:
        op.execute("UPDATE event_entities SET undated = (SELECT e.undated FROM events e WHERE e.id = "
                   "event_entities.event_id), sort_day = (SELECT e.sort_day FROM events e WHERE e.id = "
                   "event_entities.event_id)")
    op.create_index("ix_event_entities_entity_time", "event_entities",
                    ["entity_id", "undated", "sort_day", "event_id", "role"])


def downgrade() -> None:
    op.drop_index("ix_event_entities_entity_time", table_name="event_entities")
    with op.batch_alter_table("event_entities") as batch:
        batch.drop_column("sort_day")
        batch.drop_column("undated")
