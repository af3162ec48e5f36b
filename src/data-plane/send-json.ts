import type { ServerResponse } from 'node:http'

/** A JSON answer with its length, as the status listener sends every answer. */
export function sendJson (res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) })
  res.end(payload)
}
