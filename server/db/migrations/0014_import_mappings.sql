CREATE TABLE "import_mappings" (
	"name" text PRIMARY KEY NOT NULL,
	"mapping" jsonb NOT NULL,
	"defaults" jsonb NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- hand-written: the four presets as built-in saved mappings (keep in step with server/features/imports/presets.ts).
INSERT INTO "import_mappings" ("name", "mapping", "defaults", "built_in") VALUES
  ('trafford-charities', '{"registered_charity_number":"ref","charity_company_registration_number":"ignore","charity_name":"organization_name","charity_type":"legal_status","charity_activities":"description","date_of_registration":"ignore","charity_contact_address":"address","charity_contact_postcode":"postcode","charity_contact_phone":"phone","charity_contact_email":"email","charity_contact_web":"website","lat":"lat","lng":"lng"}'::jsonb, '{"source":"trafford-charities","taxonomy":{"byKeywords":true}}'::jsonb, true),
  ('gm-food-banks', '{"Name":"organization_name","Referral method":"referral","Opening times":"opening_times","Address":"address","Postcode":"postcode","Contact":"contact","Website":"website","Area name":"city","Area code":"ignore","lng":"lng","lat":"lat"}'::jsonb, '{"source":"gm-food-banks","taxonomy":{"codes":["food"]}}'::jsonb, true),
  ('trafford-mental-health', '{"name":"organization_name","description":"description","address":"address","postcode":"postcode","telephone":"phone","website":"website","lng":"lng","lat":"lat"}'::jsonb, '{"source":"trafford-mental-health","taxonomy":{"codes":["mental_wellbeing"]}}'::jsonb, true),
  ('trafford-sports-clubs', '{"name":"organization_name","category":"category","address":"address","postcode":"postcode","lng":"lng","lat":"lat"}'::jsonb, '{"source":"trafford-sports-clubs","taxonomy":{"codes":["physical_activity"]}}'::jsonb, true)
ON CONFLICT ("name") DO NOTHING;
