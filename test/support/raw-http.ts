import { connect } from 'node:net'

export interface RawResponse {
  status: number
  head: string
  body: string
}

/**
 * Sends `request` verbatim over a new TCP connection and reads one response (Content-Length
 * delimited, or until the server closes). For requests node:http refuses to build.
 */
export function rawHttp (port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = Buffer.alloc(0)
    let settled = false
    const tryParse = (final: boolean): void => {
      const text = data.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) {
        if (final) { settled = true; reject(new Error(`incomplete response: ${JSON.stringify(text)}`)) }
        return
      }
      const head = text.slice(0, end)
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head)
      const body = text.slice(end + 4)
      if (m !== null && body.length < Number(m[1]) && !final) return
      if (m === null && !final) return
      settled = true
      socket.destroy()
      resolve({ status: Number(head.split(' ')[1]), head, body: m === null ? body : body.slice(0, Number(m[1])) })
    }
    socket.on('data', (c: Buffer) => { data = Buffer.concat([data, c]); if (!settled) tryParse(false) })
    socket.on('end', () => { if (!settled) tryParse(true) })
    socket.on('error', (err) => { if (!settled) { settled = true; reject(err) } })
    socket.write(request)
  })
}

/** Sends `request` verbatim and returns everything the server sends until it closes the connection. */
export function rawHttpUntilClose (port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
    socket.write(request)
  })
}
