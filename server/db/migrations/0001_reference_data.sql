CREATE TABLE "area_indicators" (
	"area_type" text NOT NULL,
	"area_code" text NOT NULL,
	"indicator" text NOT NULL,
	"period" text NOT NULL,
	"value" double precision NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "area_indicators_area_type_area_code_indicator_period_pk" PRIMARY KEY("area_type","area_code","indicator","period")
);
--> statement-breakpoint
CREATE TABLE "dataset_imports" (
	"dataset" text NOT NULL,
	"period" text NOT NULL,
	"checksum" text NOT NULL,
	"rows" integer NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_imports_dataset_period_pk" PRIMARY KEY("dataset","period")
);
--> statement-breakpoint
CREATE TABLE "icbs" (
	"code" text PRIMARY KEY NOT NULL,
	"ons_code" text NOT NULL,
	"name" text NOT NULL,
	"region_code" text,
	"geom" geometry(MultiPolygon,4326),
	CONSTRAINT "icbs_ons_code_unique" UNIQUE("ons_code")
);
--> statement-breakpoint
CREATE TABLE "lsoas" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"lad_code" text NOT NULL,
	"lad_name" text NOT NULL,
	"sub_icb_code" text NOT NULL,
	"icb_code" text NOT NULL,
	"pcn_code" text,
	"residents" integer NOT NULL,
	"geom" geometry(MultiPolygon,4326),
	"centroid" geometry(Point,4326) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pcn_workforce" (
	"pcn_code" text NOT NULL,
	"period" text NOT NULL,
	"role" text NOT NULL,
	"fte" double precision NOT NULL,
	"headcount" integer,
	CONSTRAINT "pcn_workforce_pcn_code_period_role_pk" PRIMARY KEY("pcn_code","period","role")
);
--> statement-breakpoint
CREATE TABLE "pcns" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"sub_icb_code" text,
	"icb_code" text NOT NULL,
	"geom" geometry(MultiPolygon,4326),
	"centroid" geometry(Point,4326)
);
--> statement-breakpoint
CREATE TABLE "postcode_areas" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	CONSTRAINT "postcode_areas_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE TABLE "postcodes" (
	"key" text PRIMARY KEY NOT NULL,
	"postcode" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practices" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"postcode" text,
	"pcn_code" text,
	"sub_icb_code" text NOT NULL,
	"icb_code" text NOT NULL,
	"list_size" integer NOT NULL,
	"period" text NOT NULL,
	"location" geometry(Point,4326)
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"ons_code" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sub_icbs" (
	"code" text PRIMARY KEY NOT NULL,
	"ons_code" text NOT NULL,
	"name" text NOT NULL,
	"icb_code" text NOT NULL,
	"geom" geometry(MultiPolygon,4326),
	CONSTRAINT "sub_icbs_ons_code_unique" UNIQUE("ons_code")
);
--> statement-breakpoint
ALTER TABLE "icbs" ADD CONSTRAINT "icbs_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pcns" ADD CONSTRAINT "pcns_sub_icb_code_sub_icbs_code_fk" FOREIGN KEY ("sub_icb_code") REFERENCES "public"."sub_icbs"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pcns" ADD CONSTRAINT "pcns_icb_code_icbs_code_fk" FOREIGN KEY ("icb_code") REFERENCES "public"."icbs"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practices" ADD CONSTRAINT "practices_pcn_code_pcns_code_fk" FOREIGN KEY ("pcn_code") REFERENCES "public"."pcns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sub_icbs" ADD CONSTRAINT "sub_icbs_icb_code_icbs_code_fk" FOREIGN KEY ("icb_code") REFERENCES "public"."icbs"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "area_indicators_lookup_idx" ON "area_indicators" USING btree ("area_type","indicator","period");--> statement-breakpoint
CREATE INDEX "icbs_geom_gix" ON "icbs" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "lsoas_geom_gix" ON "lsoas" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "lsoas_centroid_gix" ON "lsoas" USING gist ("centroid");--> statement-breakpoint
CREATE INDEX "lsoas_pcn_idx" ON "lsoas" USING btree ("pcn_code");--> statement-breakpoint
CREATE INDEX "pcns_geom_gix" ON "pcns" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "pcns_icb_idx" ON "pcns" USING btree ("icb_code");--> statement-breakpoint
CREATE INDEX "practices_location_gix" ON "practices" USING gist ("location");--> statement-breakpoint
CREATE INDEX "practices_pcn_idx" ON "practices" USING btree ("pcn_code");--> statement-breakpoint
CREATE INDEX "sub_icbs_geom_gix" ON "sub_icbs" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "sub_icbs_icb_idx" ON "sub_icbs" USING btree ("icb_code");