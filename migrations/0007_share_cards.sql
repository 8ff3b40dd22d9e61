CREATE TABLE "share_cards" (
	"analysis_id" uuid NOT NULL,
	"size" text NOT NULL,
	"content_key" text NOT NULL,
	"png" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "share_cards_analysis_id_size_pk" PRIMARY KEY("analysis_id","size")
);
--> statement-breakpoint
ALTER TABLE "share_cards" ADD CONSTRAINT "share_cards_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE cascade ON UPDATE no action;