import { ApiError } from './api.js'
import { h } from './dom.js'
import { hideError, showError } from './errors.js'

// The Admin API's 400 answers name each problem by its path in the request body (`name`,
// `paths[0]`, `service.url`, `config.minute`, `labels.team`). A form binds its inputs to those
// paths; an answer's messages are then shown next to the input they name (and in the banner,
// which also holds the ones no input claims). A binding covers the paths under it too: `paths`
// takes `paths[0]`, `config.queue` takes `config.queue.max_batch_size` unless that has its own.

/** An input, or a function finding one for the rest of the path after the binding (`team` of `labels.team`). */
type Target = HTMLElement | ((rest: string) => HTMLElement | null)

export interface FieldErrors {
  bind: (path: string, target: Target) => void
  /** Runs a submit: clears the last messages, and on failure shows the banner and each field's message beside its input. */
  run: (action: () => Promise<unknown>) => Promise<boolean>
}

function under (path: string, prefix: string): string | null {
  if (path === prefix) return ''
  if (path.startsWith(prefix + '.')) return path.slice(prefix.length + 1)
  if (path.startsWith(prefix + '[')) return path.slice(prefix.length)
  return null
}

export function createFieldErrors (): FieldErrors {
  const bindings = new Map<string, Target>()
  let shown: Array<{ input: HTMLElement, note: HTMLElement }> = []
  const find = (path: string): HTMLElement | null => {
    // The longest binding wins, so a nested input is preferred to its fieldset.
    const prefixes = [...bindings.keys()].filter((p) => under(path, p) !== null).sort((a, b) => b.length - a.length)
    for (const p of prefixes) {
      const t = bindings.get(p) as Target
      const el = typeof t === 'function' ? t(under(path, p) as string) : t
      if (el !== null && el.isConnected) return el
    }
    return null
  }
  const clear = (): void => {
    for (const { input, note } of shown) {
      input.removeAttribute('aria-invalid')
      note.remove()
    }
    shown = []
  }
  const show = (err: unknown): void => {
    showError(err)
    if (!(err instanceof ApiError)) return
    for (const [path, message] of Object.entries(err.fields)) {
      const input = find(path)
      if (input === null) continue
      const note = h('small', { class: 'field-error', 'data-field': path }, `${path}: ${message}`)
      input.setAttribute('aria-invalid', 'true')
      input.after(note)
      shown.push({ input, note })
    }
  }
  return {
    bind (path, target) { bindings.set(path, target) },
    async run (action) {
      clear()
      hideError()
      try {
        await action()
        return true
      } catch (err) {
        show(err)
        return false
      }
    }
  }
}
