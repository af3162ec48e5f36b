import { validateHeaderName, validateHeaderValue } from 'node:http'
import type { HeaderEditor } from '../../plugins/types.js'

/**
 * A HeaderEditor over the flat `[name, value, …]` list the proxy hands to undici and writeHead, so
 * an edited list is sent as it is, without conversion. Names keep the case they were given; lookups
 * ignore case. Writes validate like Node does, so a plugin's bad value fails inside that plugin.
 */
export class HeaderList implements HeaderEditor {
  readonly list: string[]

  constructor (list: string[]) {
    this.list = list
  }

  get (name: string): string | undefined {
    const lower = name.toLowerCase()
    const list = this.list
    for (let i = 0; i < list.length; i += 2) if (list[i].toLowerCase() === lower) return list[i + 1]
    return undefined
  }

  getAll (name: string): string[] {
    const lower = name.toLowerCase()
    const out: string[] = []
    for (let i = 0; i < this.list.length; i += 2) if (this.list[i].toLowerCase() === lower) out.push(this.list[i + 1])
    return out
  }

  has (name: string): boolean {
    return this.get(name) !== undefined
  }

  set (name: string, value: string | readonly string[]): void {
    const values = typeof value === 'string' ? [value] : value
    validateHeaderName(name)
    for (const v of values) validateHeaderValue(name, v)
    this.remove(name)
    for (const v of values) this.list.push(name, v)
  }

  add (name: string, value: string): void {
    validateHeaderName(name)
    validateHeaderValue(name, value)
    this.list.push(name, value)
  }

  remove (name: string): void {
    const lower = name.toLowerCase()
    const list = this.list
    let w = 0
    for (let r = 0; r < list.length; r += 2) {
      if (list[r].toLowerCase() === lower) continue
      list[w] = list[r]
      list[w + 1] = list[r + 1]
      w += 2
    }
    list.length = w
  }

  entries (): Array<[string, string]> {
    const out: Array<[string, string]> = []
    for (let i = 0; i < this.list.length; i += 2) out.push([this.list[i], this.list[i + 1]])
    return out
  }
}
