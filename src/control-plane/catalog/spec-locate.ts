import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

// Where in the uploaded text a problem is. The OpenAPI validator reports schema errors as a code
// frame over JSON.stringify(document, null, 2) of the dereferenced document ("> 11 | ..."); the
// line number is turned back into a path by walking that document the way JSON.stringify prints it,
// and the path into a line and column of the upload by walking its YAML/JSON syntax tree.

export type SpecPath = Array<string | number>

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** For each line of JSON.stringify(value, null, 2), the path of the value that line opens or closes. */
export function jsonLinePaths (value: unknown): SpecPath[] {
  const lines: SpecPath[] = [[]]
  // Iterative (documents may nest deeply): each frame lists the members still to print.
  type Frame = { path: SpecPath, members: Array<[string | number, unknown]>, next: number }
  const membersOf = (v: unknown): Array<[string | number, unknown]> => Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function')
  const opens = (v: unknown): boolean => (Array.isArray(v) || isPlainObject(v)) && membersOf(v).length > 0
  if (!opens(value)) return lines
  const stack: Frame[] = [{ path: [], members: membersOf(value), next: 0 }]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top.next === top.members.length) {
      lines.push(top.path) // closing bracket
      stack.pop()
      continue
    }
    const [key, child] = top.members[top.next++]
    const path = [...top.path, key]
    lines.push(path)
    if (opens(child)) stack.push({ path, members: membersOf(child), next: 0 })
  }
  return lines
}

/** The path a validator message's code frame points at ("> 11 | …"), or null when it has none. */
export function pathFromCodeFrame (message: string, document: unknown): SpecPath | null {
  const m = /^>\s*(\d+)\s*\|/m.exec(message)
  if (m === null) return null
  const lines = jsonLinePaths(document)
  // The frame is only trusted when the document prints to as many lines as were walked.
  if (JSON.stringify(document, null, 2).split('\n').length !== lines.length) return null
  return lines[Number(m[1]) - 1] ?? null
}

/** `paths["/pets"].get.responses["200"]`, `tags[0].name`; '' for the document itself. */
export function formatSpecPath (path: SpecPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

export interface SourcePosition { line: number, column: number }

/**
 * Line and column (1-based) in `text` of the deepest node on `path`: a mapping key, a sequence item,
 * or the mapping holding a `$ref` when the path goes on through the referenced value.
 */
export function sourcePosition (text: string, path: SpecPath): SourcePosition | null {
  const lineCounter = new LineCounter()
  let doc
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, logLevel: 'silent' })
  } catch {
    return null
  }
  let node: unknown = doc.contents
  let at: number | undefined = (node as Node | null)?.range?.[0]
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (pair === undefined) break
      at = (pair.key as Node).range?.[0] ?? at
      node = pair.value
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined
      if (item === undefined) break
      at = item.range?.[0] ?? at
      node = item
    } else break
  }
  if (at === undefined) return null
  const pos = lineCounter.linePos(at)
  return { line: pos.line, column: pos.col }
}

/** Every `$ref` that does not point into the document itself, with its path. */
export function externalRefs (value: unknown): SpecPath[] {
  const found: SpecPath[] = []
  const stack: Array<[unknown, SpecPath]> = [[value, []]]
  while (stack.length > 0 && found.length < 20) {
    const [v, path] = stack.pop() as [unknown, SpecPath]
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]))
    else if (isPlainObject(v)) {
      if (typeof v.$ref === 'string' && !v.$ref.startsWith('#')) found.push([...path, '$ref'])
      for (const [k, x] of Object.entries(v)) if (typeof x === 'object' && x !== null) stack.push([x, [...path, k]])
    }
  }
  return found.reverse()
}

/** Nesting depth of parsed data, measured without recursion. */
export function nestingDepth (value: unknown, stopAbove: number): number {
  let max = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > max) max = depth + 1
    if (max > stopAbove) return max
    for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push([x, depth + 1])
  }
  return max
}

const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const JSON_LITERAL = /true|false|null/y

/**
 * Offset of the first JSON syntax error in `text`, or null when it is valid JSON. Node 20's
 * JSON.parse messages carry no position; this scanner (iterative, no recursion) finds it.
 */
export function jsonSyntaxErrorOffset (text: string): number | null {
  const stack: Array<'obj' | 'arr'> = []
  type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd' | 'end'
  let expect: Expect = 'value'
  let pos = 0
  const match = (re: RegExp): boolean => {
    re.lastIndex = pos
    if (!re.test(text)) return false
    pos = re.lastIndex
    return true
  }
  const afterValue = (): Expect => stack.length === 0 ? 'end' : 'commaOrEnd'
  for (;;) {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++
    if (pos >= text.length) return expect === 'end' ? null : pos
    const c = text[pos]
    const top = stack[stack.length - 1]
    if (expect === 'end') return pos
    if (expect === 'colon') {
      if (c !== ':') return pos
      pos++
      expect = 'value'
    } else if (expect === 'commaOrEnd') {
      if (c === ',') { pos++; expect = top === 'obj' ? 'key' : 'value' } else if ((c === '}' && top === 'obj') || (c === ']' && top === 'arr')) { pos++; stack.pop(); expect = afterValue() } else return pos
    } else if (expect === 'key' || expect === 'keyOrEnd') {
      if (expect === 'keyOrEnd' && c === '}') { pos++; stack.pop(); expect = afterValue() } else if (match(JSON_STRING)) expect = 'colon'
      else return pos
    } else if (expect === 'valueOrEnd' && c === ']') {
      pos++
      stack.pop()
      expect = afterValue()
    } else if (c === '{') { pos++; stack.push('obj'); expect = 'keyOrEnd' } else if (c === '[') { pos++; stack.push('arr'); expect = 'valueOrEnd' } else if (match(JSON_STRING) || match(JSON_NUMBER) || match(JSON_LITERAL)) expect = afterValue()
    else return pos
  }
}
