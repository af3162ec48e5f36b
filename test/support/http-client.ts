import { request as httpRequest, type IncomingHttpHeaders, type Agent } from 'node:http'

export interface SimpleResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** A plain node:http request (unlike fetch it may set Host), body read as UTF-8. */
export function httpCall (url: string, options: { method?: string, headers?: Record<string, string>, body?: string, agent?: Agent } = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}
