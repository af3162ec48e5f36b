// The document hierarchy of one package as plain data: cycle and depth checks for writes, the tree
// for the portal's navigation. Walks are iterative and bounded by the number of documents, so even a
// corrupted row set (a cycle written by hand) cannot loop forever.

export interface TreeNode {
  id: string
  parent_id: string | null
}

/** True when making `parentId` the parent of `docId` would close a loop (including itself). */
export function wouldCycle (nodes: readonly TreeNode[], docId: string, parentId: string): boolean {
  const parentOf = new Map(nodes.map((n) => [n.id, n.parent_id]))
  let current: string | null | undefined = parentId
  for (let steps = 0; current != null && steps <= nodes.length; steps++) {
    if (current === docId) return true
    current = parentOf.get(current)
  }
  return false
}

/** Level of `id` counted from the top (a top-level document is 1). */
export function levelOf (nodes: readonly TreeNode[], id: string): number {
  const parentOf = new Map(nodes.map((n) => [n.id, n.parent_id]))
  let level = 0
  let current: string | null | undefined = id
  while (current != null && level <= nodes.length) {
    level++
    current = parentOf.get(current)
  }
  return level
}

/** Levels of the subtree under `id`, itself included (a leaf is 1). */
export function heightOf (nodes: readonly TreeNode[], id: string): number {
  const children = childrenMap(nodes)
  let height = 0
  let frontier = [id]
  while (frontier.length > 0 && height <= nodes.length) {
    height++
    frontier = frontier.flatMap((n) => children.get(n) ?? []).map((n) => n.id)
  }
  return height
}

export function childrenMap<T extends TreeNode> (nodes: readonly T[]): Map<string | null, T[]> {
  const out = new Map<string | null, T[]>()
  for (const n of nodes) {
    const list = out.get(n.parent_id) ?? []
    list.push(n)
    out.set(n.parent_id, list)
  }
  return out
}

/**
 * The nodes reachable from the top through nodes `keep` accepts: a document whose parent is left
 * out is left out too (an unpublished parent hides its whole subtree). Order is kept.
 */
export function reachableFromTop<T extends TreeNode> (nodes: readonly T[], keep: (n: T) => boolean): T[] {
  const children = childrenMap(nodes)
  const reached = new Set<string>()
  let frontier = (children.get(null) ?? []).filter(keep)
  while (frontier.length > 0) {
    for (const n of frontier) reached.add(n.id)
    frontier = frontier.flatMap((n) => children.get(n.id) ?? []).filter((n) => keep(n) && !reached.has(n.id))
  }
  return nodes.filter((n) => reached.has(n.id))
}
