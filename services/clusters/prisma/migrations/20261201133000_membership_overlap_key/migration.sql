-- The same rule as the invariants migration (no two memberships of one actor in one network and
-- category over overlapping periods), on one key expression instead of three equal columns.
-- Why: PostgreSQL's planner picked the constraint's GiST index over (network_id, actor_id, ...)
-- for lookups by actor_id alone, and a GiST index narrows a scan by its first column only: every
-- such lookup read the whole index (1.2 s for the memberships of 50 actors among 180,000, the
-- (b2) fan-out of the benchmark), while the btree index on actor_id answers it in a millisecond.
-- An expression index matches no plain `actor_id = ...` or `network_id = ...` condition, so those
-- go to their btree indexes; the unit separator (U+001F) never occurs in an id.
ALTER TABLE "membership" DROP CONSTRAINT "membership_no_overlap";
ALTER TABLE "membership" ADD CONSTRAINT "membership_no_overlap" EXCLUDE USING gist (
    ("network_id" || E'\x1f' || "actor_id") WITH =,
    "category" WITH =,
    daterange("start_date", "end_date", '[)') WITH &&
);
