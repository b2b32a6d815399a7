CREATE TABLE "gap_flag_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"flag_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_value" text,
	"to_value" text,
	"body" text,
	"actor_user_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gap_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pcn_code" text NOT NULL,
	"icb_code" text NOT NULL,
	"category" text,
	"reason" text NOT NULL,
	"evidence" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"owner_user_id" uuid,
	"origin" text DEFAULT 'manual' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gap_suggestion_dismissals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pcn_code" text NOT NULL,
	"icb_code" text NOT NULL,
	"reason" text NOT NULL,
	"dismissed_by" uuid NOT NULL,
	"dismissed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gap_flag_events" ADD CONSTRAINT "gap_flag_events_flag_id_gap_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."gap_flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gap_flags" ADD CONSTRAINT "gap_flags_pcn_code_pcns_code_fk" FOREIGN KEY ("pcn_code") REFERENCES "public"."pcns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gap_suggestion_dismissals" ADD CONSTRAINT "gap_suggestion_dismissals_pcn_code_pcns_code_fk" FOREIGN KEY ("pcn_code") REFERENCES "public"."pcns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gap_flag_events_flag_idx" ON "gap_flag_events" USING btree ("flag_id","at");--> statement-breakpoint
CREATE INDEX "gap_flags_icb_idx" ON "gap_flags" USING btree ("icb_code","status");--> statement-breakpoint
CREATE INDEX "gap_flags_pcn_idx" ON "gap_flags" USING btree ("pcn_code");--> statement-breakpoint
CREATE INDEX "gap_suggestion_dismissals_pcn_idx" ON "gap_suggestion_dismissals" USING btree ("pcn_code");