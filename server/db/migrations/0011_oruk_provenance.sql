ALTER TABLE "locations" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "source_ref" text;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "source_ref" text;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "source_hash" text;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "first_imported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "last_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "missing_since" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "locations_source_ref_uq" ON "locations" USING btree ("source","source_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "services_source_ref_uq" ON "services" USING btree ("source","source_ref");