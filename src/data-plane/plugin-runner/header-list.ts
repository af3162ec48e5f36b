import { validateHeaderName, validateHeaderValue } from 'node:http'
import type { HeaderEditor } from '../../plugins/types.js'

/**
 * Names that passed validateHeaderName: plugins set the same few names (from their code or config)
 * on every request, and Node's writeHead and undici check them again anyway. Bounded: cleared when full.
 */
const validNames = new Set<string>()

function checkName (name: string): void {
  if (validNames.has(name)) return
  validateHeaderName(name)
  if (validNames.size >= 1024) validNames.clear()
  validNames.add(name)
}

/**
 * Lower-cased header names, kept: plugins look up the same few configured names (X-Request-ID …)
 * on every request, and toLowerCase would copy them each time. Bounded: cleared when full.
 */
const lowered = new Map<string, string>()

export function lowerName (name: string): string {
  let lower = lowered.get(name)
  if (lower === undefined) {
    lower = name.toLowerCase()
    if (lowered.size >= 1024) lowered.clear()
    lowered.set(name, lower)
  }
  return lower
}

/**
 * A HeaderEditor over the flat `[name, value, …]` list the proxy hands to undici and writeHead, so
 * an edited list is sent as it is, without conversion. Names keep the case they were given; lookups
 * ignore case. Writes validate like Node does, so a plugin's bad value fails inside that plugin.
 *
 * Every plugin on a route edits these lists on every request: names are compared without
 * lower-casing copies (no garbage per comparison; the young generation is small, see bin/atrium.js).
 */
export class HeaderList implements HeaderEditor {
  readonly list: string[]

  constructor (list: string[]) {
    this.list = list
  }

  /** Index of the first `name` at or after `from` (an even index), or -1. */
  #find (name: string, from: number): number {
    const list = this.list
    for (let i = from; i < list.length; i += 2) if (sameName(list[i], name)) return i
    return -1
  }

  get (name: string): string | undefined {
    const i = this.#find(name, 0)
    return i < 0 ? undefined : this.list[i + 1]
  }

  getAll (name: string): string[] {
    const out: string[] = []
    for (let i = this.#find(name, 0); i >= 0; i = this.#find(name, i + 2)) out.push(this.list[i + 1])
    return out
  }

  has (name: string): boolean {
    return this.#find(name, 0) >= 0
  }

  set (name: string, value: string | readonly string[]): void {
    checkName(name)
    if (typeof value !== 'string') {
      for (const v of value) validateHeaderValue(name, v)
      this.remove(name)
      for (const v of value) this.list.push(name, v)
      return
    }
    validateHeaderValue(name, value)
    // One value (the common case): replaced where the first one was, later ones removed.
    const first = this.#find(name, 0)
    if (first < 0) {
      this.list.push(name, value)
      return
    }
    this.list[first] = name
    this.list[first + 1] = value
    if (this.#find(name, first + 2) >= 0) this.#removeFrom(name, first + 2)
  }

  add (name: string, value: string): void {
    checkName(name)
    validateHeaderValue(name, value)
    this.list.push(name, value)
  }

  remove (name: string): void {
    const first = this.#find(name, 0)
    if (first >= 0) this.#removeFrom(name, first)
  }

  /** Removes every `name` at or after `from`, keeping the order of the others. */
  #removeFrom (name: string, from: number): void {
    const list = this.list
    let w = from
    for (let r = from; r < list.length; r += 2) {
      if (sameName(list[r], name)) continue
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

/** ASCII case-insensitive equality of two header names, without allocating. */
export function sameName (a: string, b: string): boolean {
  if (a === b) return true
  const n = a.length
  if (n !== b.length) return false
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 65 && x <= 90) x += 32
    if (y >= 65 && y <= 90) y += 32
    if (x !== y) return false
  }
  return true
}
