// Work a page starts that outlives its render (an auto-refresh timer) registers how to stop it
// here; the router calls leavePage() before it renders the next page, so nothing keeps running
// (or fetching) for a page that is gone.

const stops = new Set<() => void>()

export function onLeave (stop: () => void): () => void {
  stops.add(stop)
  return () => { stops.delete(stop) }
}

export function leavePage (): void {
  for (const stop of [...stops]) stop()
  stops.clear()
}
