CREATE TYPE "public"."verdict_tone" AS ENUM('gentle', 'balanced', 'savage');--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "tone" "verdict_tone" DEFAULT 'balanced' NOT NULL;