ALTER TABLE "analyses" ADD COLUMN "draft" text;--> statement-breakpoint
ALTER TABLE "analyses" ADD COLUMN "prompt_version" text;