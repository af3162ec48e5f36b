// A compressed prefix tree over path strings (edges labelled with substrings, children keyed by the
// first char code of their label). Nodes hold the prefix candidates whose path ends exactly there and
// the regex candidates whose literal prefix ends there. Matching is not segment-aware: `/foo` holds
// for `/foobar`, as in Kong.

import type { Candidate } from './candidate.js'
import type { RegexGroup } from './regex-group.js'

export interface RadixNode {
  label: string
  children: Map<number, RadixNode> | null
  /** Prefix candidates ending at this node, sorted by rank. */
  prefixCands: Candidate[] | null
  /** Regex candidates whose literal prefix ends at this node. */
  regexGroup: RegexGroup | null
}

export function createRadixNode (label: string): RadixNode {
  return { label, children: null, prefixCands: null, regexGroup: null }
}

/** The node for `key`, created (splitting edges as needed) if missing. */
export function radixInsert (root: RadixNode, key: string): RadixNode {
  let node = root
  let i = 0
  while (i < key.length) {
    const first = key.charCodeAt(i)
    node.children ??= new Map()
    const child = node.children.get(first)
    if (child === undefined) {
      const leaf = createRadixNode(key.slice(i))
      node.children.set(first, leaf)
      return leaf
    }
    const label = child.label
    let j = 1
    while (j < label.length && i + j < key.length && label.charCodeAt(j) === key.charCodeAt(i + j)) j++
    if (j < label.length) { // split the edge: node → mid(label[0:j]) → child(label[j:])
      const mid = createRadixNode(label.slice(0, j))
      child.label = label.slice(j)
      mid.children = new Map([[child.label.charCodeAt(0), child]])
      node.children.set(first, mid)
      node = mid
    } else {
      node = child
    }
    i += j
  }
  return node
}

/**
 * hot path, change with care: writes into `out` every node on the walk of `path` that holds
 * candidates, shallowest first, and returns how many. `out` is a reused scratch array.
 */
export function radixCollect (root: RadixNode, path: string, out: RadixNode[]): number {
  let count = 0
  let node = root
  if (node.prefixCands !== null || node.regexGroup !== null) out[count++] = node
  let i = 0
  while (i < path.length && node.children !== null) {
    const child = node.children.get(path.charCodeAt(i))
    if (child === undefined || !path.startsWith(child.label, i)) break
    i += child.label.length
    node = child
    if (node.prefixCands !== null || node.regexGroup !== null) out[count++] = node
  }
  return count
}

/** Calls `visit` on every node (compile time only). */
export function radixVisit (root: RadixNode, visit: (node: RadixNode) => void): void {
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop() as RadixNode
    visit(node)
    if (node.children !== null) for (const child of node.children.values()) stack.push(child)
  }
}
