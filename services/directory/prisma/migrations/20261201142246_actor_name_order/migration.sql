-- Every list of actors is in order of normalised name, then id, and pages by key (a signed cursor
-- holding the last item's name and id): the next page is a seek `(search_name, id) > (…)`, which
-- only an index on both columns answers without reading the rows before it. The index on
-- search_name alone made PostgreSQL sort each group of equal names by id and, at OFFSET 50,000 of
-- a région of 100,000 actors, read every row before the page (0.6 to 1.3 s a page).
DROP INDEX "actor_search_name_idx";

-- CreateIndex
CREATE INDEX "actor_search_name_id_idx" ON "actor"("search_name", "id");
