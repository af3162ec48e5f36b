// The seams through which the control plane's parts report what Prometheus shows. Plain
// interfaces (no prom-client here), so the sync server, Admin API server and store stay free of
// the metrics library and tests can pass nothing at all.

export interface SyncObserver {
  /** A snapshot (and its delta) was built and handed to the group's sessions. */
  snapshotBuilt: (runtimeGroup: string, seconds: number) => void
  /** A config frame was queued for one node. */
  snapshotSent: (runtimeGroup: string, kind: 'full' | 'delta') => void
}

export interface AdminObserver {
  /** `route` is the matched route pattern (`/runtime-groups/:rg`), or null when none matched. */
  adminRequest: (method: string, route: string | null, status: number, seconds: number) => void
}

export interface StoreObserver {
  storeQuery: (operation: string, seconds: number, failed: boolean) => void
}
