import type { Response } from "express";

/** The Web API's error object: {"error":{"status":401,"message":"The access token expired"}}. */
export function sendApiError(response: Response, status: number, message: string): void {
  response.status(status).json({ error: { status, message } });
}
