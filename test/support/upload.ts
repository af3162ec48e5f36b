import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'

export interface UploadResult {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** Body bytes written before the response arrived (or all of them). */
  sent: number
}

/**
 * POSTs `chunks` chunks of `chunkSize` bytes, one every few milliseconds, chunked unless
 * `headers` sets a content-length; stops writing as soon as a response arrives (an early 413). A
 * write error after the response (the gateway closed the connection) is expected and ignored.
 */
export async function upload (url: string, chunks: number, chunkSize: number, headers: Record<string, string> = {}): Promise<UploadResult> {
  return await new Promise((resolve, reject) => {
    let responded = false
    let sent = 0
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers } }, (res) => {
      responded = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent }))
      res.on('error', reject)
    })
    req.on('error', (err) => { if (!responded) reject(err) })
    const chunk = Buffer.alloc(chunkSize, 'a')
    let i = 0
    const next = (): void => {
      if (responded || req.destroyed) return
      if (i === chunks) { req.end(); return }
      i++
      sent += chunk.length
      req.write(chunk)
      setTimeout(next, 2)
    }
    next()
  })
}
