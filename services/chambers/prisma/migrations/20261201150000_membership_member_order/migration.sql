-- A network's members are listed in order of start date (undated last), then id, and page by key
-- (a signed cursor holding the last member's date and id): the next page is a seek
-- `(coalesce(start_date, 'infinity'), id) > (…)` within one network, which this index answers
-- without reading the members before it (`Network.members`, packages/networks/src/sql.ts). The
-- coalesce sorts undated memberships last, as `ORDER BY start_date ASC` does, in one comparable
-- value (a row comparison with a NULL in it is never true). Prisma cannot declare an expression
-- index, so the schema does not name it; it leaves alone indexes it does not know.
CREATE INDEX "membership_network_member_order_idx" ON "membership" ("network_id", (coalesce("start_date", 'infinity'::date)), "id");
