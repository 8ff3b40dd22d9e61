import type { Response } from "express";

/**
 * The Web API's error object: {"error":{"status":401,"message":"The access token expired"}}. Spotify's
 * quota error adds a `reason` ("QUOTA_EXCEEDED") that the published schema does not list.
 */
export function sendApiError(response: Response, status: number, message: string, reason?: string): void {
  response.status(status).json({ error: { status, message, ...(reason === undefined ? {} : { reason }) } });
}
