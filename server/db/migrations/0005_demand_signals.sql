CREATE TABLE "referrals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service_id" uuid NOT NULL,
	"pcn_code" text NOT NULL,
	"category_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reopen_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reopened_at" timestamp with time zone,
	"notified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "unmet_needs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"category_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"postcode_district" text,
	"pcn_code" text NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unmet_needs_district_ck" CHECK ("unmet_needs"."postcode_district" ~ '^([A-Z]{1,2}[0-9][A-Z0-9]?|NPT)$'),
	CONSTRAINT "unmet_needs_reason_ck" CHECK ("unmet_needs"."reason" in ('none_nearby', 'all_full', 'eligibility', 'language', 'cost', 'access_transport', 'other'))
);
--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reopen_subscriptions" ADD CONSTRAINT "reopen_subscriptions_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reopen_subscriptions" ADD CONSTRAINT "reopen_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unmet_needs" ADD CONSTRAINT "unmet_needs_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referrals_service_at_idx" ON "referrals" USING btree ("service_id","recorded_at");--> statement-breakpoint
CREATE INDEX "referrals_pcn_at_idx" ON "referrals" USING btree ("pcn_code","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reopen_subscriptions_pending_uq" ON "reopen_subscriptions" USING btree ("service_id","user_id") WHERE notified_at is null;--> statement-breakpoint
CREATE INDEX "reopen_subscriptions_user_idx" ON "reopen_subscriptions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "unmet_needs_pcn_at_idx" ON "unmet_needs" USING btree ("pcn_code","recorded_at");