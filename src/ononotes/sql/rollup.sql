-- The organisation's numbers from ononotes metrics exports (schema 1): `ono rollup` runs this
-- with DuckDB; a warehouse can run it too (the dialect changes are in docs/scale.md).
--
-- In:  metrics          one row per record of the exports (one column per field; a record
--                       leaves the fields of other kinds null)
--      rollup_settings  one row: min_group, the fewest people a group shown may have
-- Out: one row per group, in order: the team, each vault, each manager, each owner role (the
--      items' counters only). Vaults of fewer than min_group people are folded into "other",
--      and so are the next smallest while "other" itself is under min_group. Insights are
--      shown for a group only when min_group of its people come from vaults that share them.
--
-- It adds up facts ononotes worked out for each person and item (SPEC §5, §6, §9): nothing
-- is counted here that `ono report` does not count, so the numbers are the same.
WITH
exports AS (
  -- each vault's latest export; of two exports of a vault on the same day, one
  SELECT export, vault, vault_id, manager, as_of,
         row_number() OVER (PARTITION BY vault_id ORDER BY as_of DESC, export) AS newest
  FROM metrics
  WHERE record = 'export'
),
sizes AS (
  SELECT e.export, e.vault, e.vault_id, e.manager, e.as_of, count(p.export) AS people
  FROM exports e
  LEFT JOIN metrics p ON p.export = e.export AND p.record = 'person'
  WHERE e.newest = 1
  GROUP BY e.export, e.vault, e.vault_id, e.manager, e.as_of
),
ranked AS (
  SELECT s.export, s.vault, s.vault_id, s.manager, s.as_of, s.people,
         row_number() OVER (PARTITION BY s.vault ORDER BY s.vault_id) AS namesake,
         row_number() OVER (ORDER BY s.people, s.vault, s.vault_id) AS smallest,
         sum(s.people) OVER (
           ORDER BY s.people, s.vault, s.vault_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
         ) AS running
  FROM sizes s
),
cut AS (
  -- how many of the smallest vaults are folded into "other"
  SELECT CASE
           WHEN max(CASE WHEN r.people < st.min_group THEN r.smallest END) IS NULL THEN 0
           ELSE greatest(
             max(CASE WHEN r.people < st.min_group THEN r.smallest END),
             coalesce(min(CASE WHEN r.running >= st.min_group THEN r.smallest END), max(r.smallest))
           )
         END AS folded
  FROM ranked r
  CROSS JOIN rollup_settings st
),
vaults AS (
  SELECT r.export, r.as_of,
         CASE
           WHEN r.smallest <= c.folded THEN 'other'
           WHEN r.namesake > 1 THEN r.vault || '-' || CAST(r.namesake AS VARCHAR)
           ELSE r.vault
         END AS vault_group,
         CASE WHEN r.smallest <= c.folded THEN 'other' ELSE r.manager END AS manager_group
  FROM ranked r
  CROSS JOIN cut c
),
vault_groups AS (
  SELECT 'team' AS dimension, 'team' AS name, export, as_of FROM vaults
  UNION ALL SELECT 'vault', vault_group, export, as_of FROM vaults
  UNION ALL SELECT 'manager', manager_group, export, as_of FROM vaults
),
groups AS (
  SELECT dimension, name, count(*) AS vaults, min(as_of) AS first_as_of,
         max(as_of) AS last_as_of
  FROM vault_groups
  GROUP BY dimension, name
),
people AS (
  SELECT v.vault_group, v.manager_group, p.overdue, p.active, p.held, p.cancelled, p.planned,
         p.unconfirmed, p.gaps, p.gaps_on_cadence, p.their_points, p.my_points, p.developed,
         p.with_feedback, p.with_upward, p.mood_recent, p.mood_count
  FROM vaults v
  JOIN metrics p ON p.export = v.export AND p.record = 'person'
),
people_by_group AS (
  SELECT 'team' AS dimension, 'team' AS name, p.* FROM people p
  UNION ALL SELECT 'vault', p.vault_group, p.* FROM people p
  UNION ALL SELECT 'manager', p.manager_group, p.* FROM people p
),
cadence AS (
  -- SPEC §6 team counters; on cadence over every gap pooled, each against its own limit
  SELECT dimension, name,
         count(*) AS people,
         sum(CASE WHEN overdue THEN 1 ELSE 0 END) AS overdue,
         sum(held) AS held,
         sum(cancelled) AS cancelled,
         sum(planned) AS planned,
         sum(unconfirmed) AS unconfirmed,
         sum(CASE WHEN active THEN 1 ELSE 0 END) AS active,
         sum(gaps) AS gaps,
         sum(gaps_on_cadence) AS gaps_on_cadence,
         -- SPEC §9, pooled over the people of vaults that share insights
         count(their_points) AS sharing,
         sum(their_points) AS their_points,
         sum(my_points) AS my_points,
         sum(CASE WHEN their_points IS NOT NULL THEN held END) AS insight_held,
         sum(CASE WHEN their_points IS NOT NULL THEN cancelled END) AS insight_cancelled,
         sum(developed) AS developed,
         sum(with_feedback) AS with_feedback,
         sum(with_upward) AS with_upward,
         -- every person's recent moods pooled: each mean times its count is a whole sum
         -- (rounded to be one exactly), so the result is a ratio of whole numbers, the same
         -- in every engine whatever order it adds them in
         sum(round(mood_recent * mood_count)) AS mood_points,
         sum(CASE WHEN mood_recent IS NOT NULL THEN mood_count END) AS moods
  FROM people_by_group
  GROUP BY dimension, name
),
items AS (
  SELECT v.vault_group, v.manager_group, i.owner, i.state, i.stale, i.overdue, i.days_to_close
  FROM vaults v
  JOIN metrics i ON i.export = v.export AND i.record = 'item'
),
items_by_group AS (
  SELECT 'team' AS dimension, 'team' AS name, i.state, i.stale, i.overdue, i.days_to_close
  FROM items i
  UNION ALL SELECT 'vault', i.vault_group, i.state, i.stale, i.overdue, i.days_to_close
  FROM items i
  UNION ALL SELECT 'manager', i.manager_group, i.state, i.stale, i.overdue, i.days_to_close
  FROM items i
  UNION ALL SELECT 'owner', i.owner, i.state, i.stale, i.overdue, i.days_to_close
  FROM items i
),
actions AS (
  -- SPEC §5 counters over the items created in the exports' windows
  SELECT dimension, name,
         count(*) AS created,
         sum(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS done,
         sum(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS open,
         sum(CASE WHEN state = 'dropped' THEN 1 ELSE 0 END) AS dropped,
         sum(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
         median(days_to_close) AS median_days_to_close,
         sum(CASE WHEN stale THEN 1 ELSE 0 END) AS stale,
         sum(CASE WHEN overdue THEN 1 ELSE 0 END) AS overdue
  FROM items_by_group
  GROUP BY dimension, name
),
shown AS (
  SELECT dimension, name FROM groups
  UNION ALL SELECT dimension, name FROM actions WHERE dimension = 'owner'
)
SELECT g.dimension, g.name, v.vaults, v.first_as_of, v.last_as_of,
       c.people, c.overdue, c.held, c.cancelled, c.planned, c.unconfirmed, c.active,
       CAST(c.gaps_on_cadence AS DOUBLE) / NULLIF(c.gaps, 0) AS on_cadence_ratio,
       c.sharing,
       CASE WHEN c.sharing >= st.min_group THEN c.their_points END AS their_points,
       CASE WHEN c.sharing >= st.min_group THEN c.my_points END AS my_points,
       CASE WHEN c.sharing >= st.min_group
            THEN CAST(c.their_points AS DOUBLE) / NULLIF(c.their_points + c.my_points, 0)
       END AS agenda_ownership,
       CASE WHEN c.sharing >= st.min_group
            THEN CAST(c.developed AS DOUBLE) / NULLIF(c.insight_held, 0)
       END AS development_coverage,
       CASE WHEN c.sharing >= st.min_group
            THEN CAST(c.insight_cancelled AS DOUBLE)
                 / NULLIF(c.insight_held + c.insight_cancelled, 0)
       END AS cancellation_rate,
       CASE WHEN c.sharing >= st.min_group
            THEN CAST(c.with_feedback AS DOUBLE) / NULLIF(c.insight_held, 0)
       END AS feedback_coverage,
       CASE WHEN c.sharing >= st.min_group
            THEN CAST(c.with_upward AS DOUBLE) / NULLIF(c.insight_held, 0)
       END AS upward_feedback,
       CASE WHEN c.sharing >= st.min_group
            THEN CAST(c.mood_points AS DOUBLE) / NULLIF(c.moods, 0)
       END AS mood_recent,
       coalesce(a.created, 0) AS created,
       coalesce(a.done, 0) AS done,
       coalesce(a.open, 0) AS open,
       coalesce(a.dropped, 0) AS dropped,
       coalesce(a.cancelled, 0) AS items_cancelled,
       CAST(a.done AS DOUBLE) / NULLIF(a.done + a.dropped + a.open, 0) AS follow_through,
       a.median_days_to_close,
       coalesce(a.stale, 0) AS stale,
       coalesce(a.overdue, 0) AS items_overdue
FROM shown g
LEFT JOIN groups v ON v.dimension = g.dimension AND v.name = g.name
LEFT JOIN cadence c ON c.dimension = g.dimension AND c.name = g.name
LEFT JOIN actions a ON a.dimension = g.dimension AND a.name = g.name
CROSS JOIN rollup_settings st
ORDER BY
  CASE g.dimension WHEN 'team' THEN 0 WHEN 'vault' THEN 1 WHEN 'manager' THEN 2 ELSE 3 END,
  CASE WHEN g.dimension <> 'owner' AND g.name = 'other' THEN 1 ELSE 0 END,
  CASE WHEN g.dimension <> 'owner' THEN 0
       WHEN g.name = 'manager' THEN 0 WHEN g.name = 'report' THEN 1 WHEN g.name = 'other' THEN 2
       ELSE 3 END,
  g.name
