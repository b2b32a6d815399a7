CREATE TABLE "service_search" (
	"service_id" uuid NOT NULL,
	"location_id" uuid,
	"organization_id" uuid NOT NULL,
	"geom" geometry(Point,4326),
	"lat" double precision,
	"lng" double precision,
	"tsv" "tsvector" NOT NULL,
	"term_ids" uuid[] NOT NULL,
	"modes" text[] NOT NULL,
	"languages" text[] NOT NULL,
	"area_codes" text[] NOT NULL,
	"open_days" text[] NOT NULL,
	"min_age" integer,
	"max_age" integer,
	"is_free" boolean NOT NULL,
	"remote" boolean NOT NULL,
	"capacity_status" text,
	"capacity_confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "service_search_cells" (
	"level" smallint NOT NULL,
	"gx" integer NOT NULL,
	"gy" integer NOT NULL,
	"status" text NOT NULL,
	"n" integer NOT NULL,
	"sum_lat" double precision NOT NULL,
	"sum_lng" double precision NOT NULL,
	CONSTRAINT "service_search_cells_level_gx_gy_status_pk" PRIMARY KEY("level","gx","gy","status")
);
--> statement-breakpoint
ALTER TABLE "service_search" ADD CONSTRAINT "service_search_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_search_geom_gix" ON "service_search" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "service_search_service_idx" ON "service_search" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "service_search_tsv_gin" ON "service_search" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "service_search_areas_gin" ON "service_search" USING gin ("area_codes");--> statement-breakpoint
-- Custom SQL: what the search table holds, and the triggers that keep it current in the same transaction as every
-- directory write. A session may defer the triggers for a bulk load with SET LOCAL signpost.search_defer = 'on' and
-- must then call search_rebuild() before committing (scripts/seed-synthetic.ts does). lat/lng are rounded to 1e-9
-- degrees (0.1 mm) so distance arithmetic never underflows on denormal coordinate differences.
CREATE VIEW "service_search_source" AS
SELECT s.id AS service_id, l.id AS location_id, s.organization_id,
       l.geom, round(ST_Y(l.geom)::numeric, 9)::float8 AS lat, round(ST_X(l.geom)::numeric, 9)::float8 AS lng,
       setweight(to_tsvector('english', s.name), 'A') || setweight(to_tsvector('english', o.name), 'B')
         || setweight(to_tsvector('english', s.description), 'C') AS tsv,
       ARRAY(
         WITH RECURSIVE anc AS (
           SELECT t.id, t.parent_id, 0 AS depth FROM service_taxonomy st JOIN taxonomy_terms t ON t.id = st.taxonomy_term_id
           WHERE st.service_id = s.id
           UNION ALL
           SELECT p.id, p.parent_id, anc.depth + 1 FROM taxonomy_terms p JOIN anc ON p.id = anc.parent_id WHERE anc.depth < 10
         ) SELECT DISTINCT id FROM anc
       ) AS term_ids,
       s.delivery_modes AS modes,
       ARRAY(SELECT lower(sl.code) FROM service_languages sl WHERE sl.service_id = s.id) AS languages,
       ARRAY(SELECT DISTINCT CASE WHEN sa.area_type = 'england' THEN 'england' ELSE sa.area_type || ':' || upper(sa.area_code) END
             FROM service_areas sa WHERE sa.service_id = s.id) AS area_codes,
       ARRAY(SELECT DISTINCT right(trim(d), 2) FROM schedules sc, unnest(string_to_array(sc.byday, ',')) d
             WHERE sc.service_id = s.id AND trim(d) <> '') AS open_days,
       s.minimum_age AS min_age, s.maximum_age AS max_age, s.is_free,
       s.delivery_modes && ARRAY['phone', 'online']::text[] AS remote,
       s.capacity_status, s.capacity_confirmed_at
FROM services s
JOIN organizations o ON o.id = s.organization_id
LEFT JOIN service_at_locations sal ON sal.service_id = s.id
LEFT JOIN locations l ON l.id = sal.location_id
WHERE o.status = 'approved' AND s.status = 'active' AND (sal.id IS NULL OR l.geom IS NOT NULL);
--> statement-breakpoint
CREATE FUNCTION search_refresh_service(sid uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM service_search WHERE service_id = sid;
  INSERT INTO service_search (service_id, location_id, organization_id, geom, lat, lng, tsv, term_ids, modes, languages,
    area_codes, open_days, min_age, max_age, is_free, remote, capacity_status, capacity_confirmed_at)
  SELECT service_id, location_id, organization_id, geom, lat, lng, tsv, term_ids, modes, languages,
    area_codes, open_days, min_age, max_age, is_free, remote, capacity_status, capacity_confirmed_at
  FROM service_search_source WHERE service_id = sid;
END $$;
--> statement-breakpoint
CREATE FUNCTION search_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('signpost.search_defer', 'on', true);
  TRUNCATE service_search;
  -- In geohash order, so that rows near each other share pages: a search reads few pages.
  INSERT INTO service_search (service_id, location_id, organization_id, geom, lat, lng, tsv, term_ids, modes, languages,
    area_codes, open_days, min_age, max_age, is_free, remote, capacity_status, capacity_confirmed_at)
  SELECT service_id, location_id, organization_id, geom, lat, lng, tsv, term_ids, modes, languages,
    area_codes, open_days, min_age, max_age, is_free, remote, capacity_status, capacity_confirmed_at
  FROM service_search_source ORDER BY ST_GeoHash(geom, 9) NULLS LAST;
  PERFORM search_cells_rebuild();
  PERFORM set_config('signpost.search_defer', 'off', true);
END $$;
--> statement-breakpoint
CREATE FUNCTION search_deferred() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('signpost.search_defer', true), '') = 'on'
$$;
--> statement-breakpoint
-- services, and every child table keyed by service_id: refresh that service.
CREATE FUNCTION search_on_service_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF search_deferred() THEN RETURN NULL; END IF;
  IF TG_TABLE_NAME = 'services' THEN
    IF TG_OP = 'DELETE' THEN
      DELETE FROM service_search WHERE service_id = OLD.id;
    ELSE
      PERFORM search_refresh_service(NEW.id);
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM search_refresh_service(NEW.service_id);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM search_refresh_service(OLD.service_id);
  ELSE
    PERFORM search_refresh_service(OLD.service_id);
    IF NEW.service_id <> OLD.service_id THEN PERFORM search_refresh_service(NEW.service_id); END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_services AFTER INSERT OR DELETE OR UPDATE OF organization_id, name, description, status, is_free,
  minimum_age, maximum_age, delivery_modes, capacity_status, capacity_confirmed_at ON services
  FOR EACH ROW EXECUTE FUNCTION search_on_service_row();
--> statement-breakpoint
CREATE TRIGGER search_service_at_locations AFTER INSERT OR UPDATE OR DELETE ON service_at_locations
  FOR EACH ROW EXECUTE FUNCTION search_on_service_row();
--> statement-breakpoint
CREATE TRIGGER search_service_taxonomy AFTER INSERT OR UPDATE OR DELETE ON service_taxonomy
  FOR EACH ROW EXECUTE FUNCTION search_on_service_row();
--> statement-breakpoint
CREATE TRIGGER search_service_languages AFTER INSERT OR UPDATE OR DELETE ON service_languages
  FOR EACH ROW EXECUTE FUNCTION search_on_service_row();
--> statement-breakpoint
CREATE TRIGGER search_service_areas AFTER INSERT OR UPDATE OR DELETE ON service_areas
  FOR EACH ROW EXECUTE FUNCTION search_on_service_row();
--> statement-breakpoint
CREATE TRIGGER search_schedules AFTER INSERT OR UPDATE OR DELETE ON schedules
  FOR EACH ROW EXECUTE FUNCTION search_on_service_row();
--> statement-breakpoint
-- organisations (name, status), locations (moves) and taxonomy (re-parenting): refresh every affected service.
CREATE FUNCTION search_on_related_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF search_deferred() THEN RETURN NULL; END IF;
  IF TG_TABLE_NAME = 'organizations' THEN
    PERFORM search_refresh_service(s.id) FROM services s WHERE s.organization_id = NEW.id;
  ELSIF TG_TABLE_NAME = 'locations' THEN
    PERFORM search_refresh_service(x.service_id)
      FROM (SELECT DISTINCT sal.service_id FROM service_at_locations sal WHERE sal.location_id = NEW.id) x;
  ELSIF TG_TABLE_NAME = 'taxonomy_terms' THEN
    PERFORM search_refresh_service(x.service_id)
      FROM (SELECT DISTINCT ss.service_id FROM service_search ss WHERE NEW.id = ANY (ss.term_ids)) x;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_organizations AFTER UPDATE OF name, status ON organizations
  FOR EACH ROW EXECUTE FUNCTION search_on_related_row();
--> statement-breakpoint
CREATE TRIGGER search_locations AFTER UPDATE OF geom ON locations
  FOR EACH ROW EXECUTE FUNCTION search_on_related_row();
--> statement-breakpoint
CREATE TRIGGER search_taxonomy_terms AFTER UPDATE OF parent_id ON taxonomy_terms
  FOR EACH ROW EXECUTE FUNCTION search_on_related_row();
--> statement-breakpoint
-- The map grid: levels 7, 8 and 10 (cells of 45/2^level degrees), rebuilt whole by search_rebuild() and adjusted row by
-- row as service_search changes.
CREATE FUNCTION search_cells_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE service_search_cells;
  INSERT INTO service_search_cells (level, gx, gy, status, n, sum_lat, sum_lng)
  SELECT lv.level, floor(e.lng / (45.0::float8 / power(2::float8, lv.level)))::int, floor(e.lat / (45.0::float8 / power(2::float8, lv.level)))::int,
         coalesce(e.capacity_status, ''), count(*), sum(e.lat), sum(e.lng)
  FROM service_search e CROSS JOIN (VALUES (7), (8), (10)) AS lv(level)
  WHERE e.lat IS NOT NULL
  GROUP BY 1, 2, 3, 4;
END $$;
--> statement-breakpoint
CREATE FUNCTION search_cells_on_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r service_search;
  delta int;
BEGIN
  IF search_deferred() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN r := NEW; delta := 1; ELSE r := OLD; delta := -1; END IF;
  IF r.lat IS NULL THEN RETURN NULL; END IF;
  INSERT INTO service_search_cells AS c (level, gx, gy, status, n, sum_lat, sum_lng)
  SELECT lv.level, floor(r.lng / (45.0::float8 / power(2::float8, lv.level)))::int, floor(r.lat / (45.0::float8 / power(2::float8, lv.level)))::int,
         coalesce(r.capacity_status, ''), delta, delta * r.lat, delta * r.lng
  FROM (VALUES (7), (8), (10)) AS lv(level)
  ON CONFLICT (level, gx, gy, status) DO UPDATE
    SET n = c.n + excluded.n, sum_lat = c.sum_lat + excluded.sum_lat, sum_lng = c.sum_lng + excluded.sum_lng;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_cells AFTER INSERT OR DELETE ON service_search
  FOR EACH ROW EXECUTE FUNCTION search_cells_on_row();
--> statement-breakpoint
-- Index the directory that already exists.
SELECT search_rebuild();
