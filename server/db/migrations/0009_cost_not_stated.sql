ALTER TABLE "services" ALTER COLUMN "is_free" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "services" ALTER COLUMN "is_free" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "service_search" ALTER COLUMN "is_free" DROP NOT NULL;--> statement-breakpoint
-- hand-written: imports never stated a cost (the CSV path had no cost column; the ORUK path called a service free
-- when the feed said nothing), so their defaulted "free" becomes "not stated". A service whose feed gave fees text or
-- cost options, and every service a person entered, keeps its value.
UPDATE "services" AS s SET "is_free" = NULL, "version" = s."version" + 1
FROM "organizations" AS o
WHERE o."id" = s."organization_id" AND o."source" IN ('import', 'oruk') AND s."is_free" = true
  AND coalesce(btrim(s."fees_description"), '') = ''
  AND NOT EXISTS (SELECT 1 FROM "cost_options" AS c WHERE c."service_id" = s."id");
