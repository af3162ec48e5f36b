import { invalid } from './package-input.js'

// The catalog's `q`, as Konnect's Service Hub search: free text, field filters and boolean
// operators.
//
//   payments                         name, description, a label key or value contains "payments"
//   name:pay  description:"of money" that field contains the text (case-insensitive)
//   labels.team:payments             label team is exactly "payments" (labels.team:* — has the key)
//   runtime_group:production         a version is in that runtime group (id or name)
//   a AND b, a OR b, (a OR b) AND c  AND binds tighter than OR; terms side by side mean AND
//
// Words next to each other with no operator between them are one phrase ("Payments Moves" is the
// text "payments moves", as before this syntax existed); AND and OR are operators only in capitals.
// A `word:` whose word is not a field is a 400 naming q (quote it to search for it as text).

export type SearchNode =
  | { kind: 'text', text: string }
  | { kind: 'field', field: 'name' | 'description', text: string }
  | { kind: 'label', key: string, value: string | null }
  | { kind: 'runtime_group', ref: string }
  | { kind: 'and' | 'or', of: SearchNode[] }

type Token =
  | { t: 'word', text: string, start: number, end: number }
  | { t: 'filter', field: string, value: string }
  | { t: 'and' | 'or' | '(' | ')' }

const FILTER = /^([A-Za-z_]+(?:\.[^:\s]+)?):/
const MAX_DEPTH = 16

function fail (message: string): never {
  throw invalid(`q: ${message}`, [{ path: 'q', message }])
}

/** `"…"` from `at` (the opening quote); returns the text and the index after the closing quote. */
function quoted (q: string, at: number): { text: string, end: number } {
  let text = ''
  for (let i = at + 1; i < q.length; i++) {
    const c = q[i]
    if (c === '\\' && i + 1 < q.length) { text += q[++i]; continue }
    if (c === '"') return { text, end: i + 1 }
    text += c
  }
  return fail('a quoted text is not closed')
}

function tokenize (q: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < q.length) {
    const c = q[i]
    if (/\s/.test(c)) { i++; continue }
    if (c === '(' || c === ')') { tokens.push({ t: c }); i++; continue }
    if (c === '"') {
      const { text, end } = quoted(q, i)
      tokens.push({ t: 'word', text, start: i, end })
      i = end
      continue
    }
    let end = i
    while (end < q.length && !/[\s()"]/.test(q[end])) end++
    const word = q.slice(i, end)
    const filter = FILTER.exec(word)
    if (filter !== null) {
      let value = word.slice(filter[0].length)
      if (value === '' && q[end] === '"') { const v = quoted(q, end); value = v.text; end = v.end }
      if (value === '') fail(`${filter[1]}: needs a value`)
      tokens.push({ t: 'filter', field: filter[1], value })
    } else if (word === 'AND' || word === 'OR') {
      tokens.push({ t: word === 'AND' ? 'and' : 'or' })
    } else {
      tokens.push({ t: 'word', text: word, start: i, end })
    }
    i = end
  }
  return tokens
}

function filterNode (field: string, value: string): SearchNode {
  if (field === 'name' || field === 'description') return { kind: 'field', field, text: value }
  if (field === 'runtime_group') return { kind: 'runtime_group', ref: value }
  if (field.startsWith('labels.') && field.length > 'labels.'.length) return { kind: 'label', key: field.slice('labels.'.length), value: value === '*' ? null : value }
  return fail(`unknown filter "${field}:": use name:, description:, labels.KEY:, runtime_group: (quote the text to search for it)`)
}

/** Parses `q`; throws 400 naming q on a syntax error. */
export function parseSearch (q: string): SearchNode {
  const tokens = tokenize(q)
  let at = 0
  const peek = (): Token | undefined => tokens[at]

  function term (depth: number): SearchNode {
    const tok = tokens[at]
    if (tok === undefined) return fail('a term is missing at the end')
    if (tok.t === '(') {
      if (depth >= MAX_DEPTH) fail(`more than ${MAX_DEPTH} nested parentheses`)
      at++
      const inner = or(depth + 1)
      if (peek()?.t !== ')') fail('a parenthesis is not closed')
      at++
      return inner
    }
    if (tok.t === 'filter') { at++; return filterNode(tok.field, tok.value) }
    if (tok.t === 'word') {
      // Adjacent words are one phrase, spaced as written.
      const first = tok
      let last = tok
      at++
      for (let next = peek(); next?.t === 'word'; next = peek()) { last = next; at++ }
      const text = first === last ? first.text : q.slice(first.start, last.end)
      return { kind: 'text', text }
    }
    return fail(`"${tok.t === 'and' ? 'AND' : tok.t === 'or' ? 'OR' : ')'}" where a term was expected`)
  }

  function and (depth: number): SearchNode {
    const of = [term(depth)]
    for (let next = peek(); next !== undefined && next.t !== 'or' && next.t !== ')'; next = peek()) {
      if (next.t === 'and') at++
      of.push(term(depth))
    }
    return of.length === 1 ? of[0] : { kind: 'and', of }
  }

  function or (depth: number): SearchNode {
    const of = [and(depth)]
    while (peek()?.t === 'or') { at++; of.push(and(depth)) }
    return of.length === 1 ? of[0] : { kind: 'or', of }
  }

  if (tokens.length === 0) fail('is empty')
  const tree = or(0)
  if (at < tokens.length) fail('an unmatched ")"')
  return tree
}

function likeContains (text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** The SQL condition on `p` (service_packages) for the tree; `param` adds a bind parameter. */
export function searchCondition (node: SearchNode, param: (value: unknown) => string): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.of.map((n) => searchCondition(n, param)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`
    case 'text': {
      const p = param(likeContains(node.text.toLowerCase()))
      return `(p.search_name LIKE ${p} ESCAPE '\\' OR p.search_description LIKE ${p} ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM service_package_labels l WHERE l.service_package_id = p.id
        AND (lower(l.key) LIKE ${p} ESCAPE '\\' OR lower(l.value) LIKE ${p} ESCAPE '\\')))`
    }
    case 'field':
      return `p.${node.field === 'name' ? 'search_name' : 'search_description'} LIKE ${param(likeContains(node.text.toLowerCase()))} ESCAPE '\\'`
    case 'label':
      return `EXISTS (SELECT 1 FROM service_package_labels l WHERE l.service_package_id = p.id AND l.key = ${param(node.key)}${node.value === null ? '' : ` AND l.value = ${param(node.value)}`})`
    case 'runtime_group': {
      const g = param(node.ref)
      return `EXISTS (SELECT 1 FROM service_versions v JOIN runtime_groups g ON g.id = v.runtime_group_id
      WHERE v.service_package_id = p.id AND (g.id = ${g} OR g.name = ${g}))`
    }
  }
}
