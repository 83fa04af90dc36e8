-- The catalog store's read SQL before the read-path change (commit 26f94ea), for the "before"
-- column of BENCHMARKS.md, on a catalog CatalogProfile loaded with 250,000 entities:
--   sqlite3 -cmd "PRAGMA cache_size=-262144" /tmp/c250k.sqlite < Benchmarks/load/old-reads.sql
-- Prints one "Run Time" line per statement, in the order of the comments below.
.timer on
.output /dev/null
-- by-refs, 10 refs
SELECT e.ref, length(e.final) FROM entities e WHERE e.ref IN ('component:default/component-000013','component:default/component-007932','component:default/component-015851','component:default/component-023770','component:default/component-031689','component:default/component-039608','component:default/component-047527','component:default/component-055446','component:default/component-063365','component:default/component-071284') AND 1;
-- entities kind=component,spec.type=service limit 100
SELECT length(e.final) FROM entities e WHERE ((e.id IN (SELECT s.entity_id FROM search s WHERE s.key = 'kind' AND s.value IN ('component')) AND e.id IN (SELECT s.entity_id FROM search s WHERE s.key = 'spec.type' AND s.value IN ('service')))) ORDER BY e.ref ASC LIMIT 101 OFFSET 0;
-- by-query first page, no filter + totalItems
SELECT length(final), uid, sv FROM (SELECT e.id, e.uid, e.final, e.uid AS sv FROM entities e) e WHERE (1) ORDER BY (sv IS NULL) ASC, sv ASC, e.uid ASC LIMIT 20 OFFSET 0;
SELECT count(*) FROM entities e WHERE 1;
-- by-query kind=component + totalItems
SELECT length(final), uid, sv FROM (SELECT e.id, e.uid, e.final, e.uid AS sv FROM entities e) e WHERE ((e.id IN (SELECT s.entity_id FROM search s WHERE s.key = 'kind' AND s.value IN ('component')))) ORDER BY (sv IS NULL) ASC, sv ASC, e.uid ASC LIMIT 20 OFFSET 0;
SELECT count(*) FROM entities e WHERE ((e.id IN (SELECT s.entity_id FROM search s WHERE s.key = 'kind' AND s.value IN ('component'))));
-- by-query orderField=metadata.name,asc + totalItems
SELECT length(final), uid, sv FROM (SELECT e.id, e.uid, e.final, (SELECT min(s.value) FROM search s WHERE s.entity_id = e.id AND s.key = 'metadata.name' AND typeof(s.value) = 'text') AS sv FROM entities e) e WHERE 1 ORDER BY (sv IS NULL) ASC, sv ASC, e.uid ASC LIMIT 20 OFFSET 0;
SELECT count(*) FROM entities e WHERE 1;
-- facets spec.type
SELECT s.original_value, count(DISTINCT s.entity_id) FROM search s WHERE s.key = 'spec.type' AND s.original_value IS NOT NULL GROUP BY s.original_value ORDER BY s.original_value;
-- facets kind, spec.type, spec.lifecycle, metadata.tags
SELECT s.original_value, count(DISTINCT s.entity_id) FROM search s WHERE s.key = 'kind' AND s.original_value IS NOT NULL GROUP BY s.original_value ORDER BY s.original_value;
SELECT s.original_value, count(DISTINCT s.entity_id) FROM search s WHERE s.key = 'spec.type' AND s.original_value IS NOT NULL GROUP BY s.original_value ORDER BY s.original_value;
SELECT s.original_value, count(DISTINCT s.entity_id) FROM search s WHERE s.key = 'spec.lifecycle' AND s.original_value IS NOT NULL GROUP BY s.original_value ORDER BY s.original_value;
SELECT s.original_value, count(DISTINCT s.entity_id) FROM search s WHERE s.key = 'metadata.tags' AND s.original_value IS NOT NULL GROUP BY s.original_value ORDER BY s.original_value;
