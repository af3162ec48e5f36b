import { randomUUID } from 'node:crypto'
import type { SetTargetHealthMessage } from '../../contract/sync-protocol.js'
import type { DbExecutor } from '../store/db.js'

// Operators' target marks across control-plane replicas. The replica that takes a mark sends it to
// its own nodes at once and records it; every replica's poll reads the marks recorded since it last
// looked and forwards those of other replicas to its nodes of the group. "Since" is a time window
// rather than a sequence (the two dialects share no sequence type, and commits of two replicas may
// land out of order): the poll looks WINDOW_MS back and skips the marks it has seen, so a clock
// skew or a slow commit under that long loses nothing. Rows older than a minute are deleted.

const WINDOW_MS = 5000
const KEEP_MS = 60_000

export interface MarkRelay {
  /** Records a mark this replica took (and sent to its own nodes). */
  record: (ex: DbExecutor, runtimeGroupId: string, message: SetTargetHealthMessage) => Promise<void>
  /** The marks of other replicas for these groups not yet forwarded; each is returned once. */
  poll: (ex: DbExecutor, runtimeGroupIds: readonly string[]) => Promise<Array<{ runtimeGroupId: string, message: SetTargetHealthMessage }>>
  purge: (ex: DbExecutor) => Promise<void>
}

export function createMarkRelay (now: () => number = Date.now): MarkRelay {
  const origin = randomUUID()
  const startedAt = now()
  /** Ids seen, with their time: forgotten once out of the window. */
  const seen = new Map<string, number>()
  return {
    async record (ex, runtimeGroupId, message) {
      const id = randomUUID()
      const at = now()
      seen.set(id, at)
      await ex.query('INSERT INTO upstream_target_marks (id, runtime_group_id, origin, message, at_ms) VALUES ($1, $2, $3, $4, $5)',
        [id, runtimeGroupId, origin, JSON.stringify(message), at])
    },
    async poll (ex, runtimeGroupIds) {
      if (runtimeGroupIds.length === 0) return []
      const since = Math.max(startedAt, now() - WINDOW_MS)
      for (const [id, at] of seen) if (at < since - WINDOW_MS) seen.delete(id)
      const g = runtimeGroupIds.map((_, i) => `$${i + 2}`).join(', ')
      const rows = await ex.query<{ id: string, runtime_group_id: string, origin: string, message: string, at_ms: unknown }>(
        `SELECT id, runtime_group_id, origin, message, at_ms FROM upstream_target_marks WHERE at_ms >= $1 AND runtime_group_id IN (${g}) ORDER BY at_ms, id`,
        [since, ...runtimeGroupIds])
      const out: Array<{ runtimeGroupId: string, message: SetTargetHealthMessage }> = []
      for (const r of rows) {
        if (seen.has(r.id)) continue
        seen.set(r.id, Number(r.at_ms))
        if (r.origin !== origin) out.push({ runtimeGroupId: r.runtime_group_id, message: JSON.parse(r.message) as SetTargetHealthMessage })
      }
      return out
    },
    async purge (ex) {
      await ex.query('DELETE FROM upstream_target_marks WHERE at_ms < $1', [now() - KEEP_MS])
    }
  }
}
