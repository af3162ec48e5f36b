import { ApiError } from './api.js'
import { clear, h } from './dom.js'

// One error banner for the page: the API's code and message, then each field with its reason.

export function showError (err: unknown): void {
  const box = document.getElementById('error') as HTMLElement
  clear(box)
  if (err instanceof ApiError) {
    box.append(h('strong', { class: 'code' }, `${err.status} ${err.code}`), ' ', h('span', { class: 'message' }, err.message))
    const fields = Object.entries(err.fields)
    if (fields.length > 0) {
      const ul = h('ul', { class: 'fields' })
      for (const [path, reason] of fields) ul.append(h('li', {}, h('code', {}, path === '' ? '(body)' : path), ': ', reason))
      box.append(ul)
    }
  } else {
    box.append(h('span', { class: 'message' }, err instanceof Error ? err.message : String(err)))
  }
  box.append(h('button', { type: 'button', class: 'dismiss', onclick: () => hideError() }, 'Dismiss'))
  box.hidden = false
}

export function hideError (): void {
  const box = document.getElementById('error') as HTMLElement
  box.hidden = true
  clear(box)
}

/** Runs an action, showing any failure in the banner; true when it succeeded. */
export async function attempt (action: () => Promise<unknown>): Promise<boolean> {
  try {
    hideError()
    await action()
    return true
  } catch (err) {
    showError(err)
    return false
  }
}
