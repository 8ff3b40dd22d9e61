CREATE TABLE "listener_standings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"analysis_id" uuid NOT NULL,
	"underground" double precision,
	"acclaim" double precision,
	"loyalty" double precision,
	"diversity" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"owner_analysis_id" uuid,
	"other_analysis_id" uuid NOT NULL,
	"owner_snapshot" jsonb NOT NULL,
	"other_snapshot" jsonb NOT NULL,
	"compatibility" double precision NOT NULL,
	"label" text NOT NULL,
	"description" text NOT NULL,
	"shared_artists" jsonb NOT NULL,
	"shared_genres" jsonb NOT NULL,
	"biggest_difference" jsonb,
	"tone" "verdict_tone" DEFAULT 'balanced' NOT NULL,
	"judge" "judge_kind" NOT NULL,
	"share_token" text NOT NULL,
	"share_revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matches_share_token_key" UNIQUE("share_token"),
	CONSTRAINT "matches_compatibility_range" CHECK ("matches"."compatibility" >= 0 and "matches"."compatibility" <= 1)
);
--> statement-breakpoint
CREATE TABLE "standings_histogram" (
	"metric" text NOT NULL,
	"bucket" integer NOT NULL,
	"listeners" integer NOT NULL,
	CONSTRAINT "standings_histogram_metric_bucket_pk" PRIMARY KEY("metric","bucket")
);
--> statement-breakpoint
ALTER TABLE "listener_standings" ADD CONSTRAINT "listener_standings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_owner_analysis_id_analyses_id_fk" FOREIGN KEY ("owner_analysis_id") REFERENCES "public"."analyses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_other_analysis_id_analyses_id_fk" FOREIGN KEY ("other_analysis_id") REFERENCES "public"."analyses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "listener_standings_underground_idx" ON "listener_standings" USING btree ("underground");--> statement-breakpoint
CREATE INDEX "listener_standings_acclaim_idx" ON "listener_standings" USING btree ("acclaim");--> statement-breakpoint
CREATE INDEX "listener_standings_loyalty_idx" ON "listener_standings" USING btree ("loyalty");--> statement-breakpoint
CREATE INDEX "listener_standings_diversity_idx" ON "listener_standings" USING btree ("diversity");--> statement-breakpoint
CREATE INDEX "matches_owner_created_at_idx" ON "matches" USING btree ("owner_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);