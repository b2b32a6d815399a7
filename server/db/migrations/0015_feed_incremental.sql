ALTER TABLE "oruk_feeds" ADD COLUMN "last_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "oruk_feeds" ADD COLUMN "last_full_sync_at" timestamp with time zone;