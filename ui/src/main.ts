import 'uplot/dist/uPlot.min.css'
import './style.css'
import { api, ApiError, getToken, setToken } from './api.js'
import { clear, h } from './dom.js'
import { hideError, showError } from './errors.js'
import { renderCatalog } from './catalog-page.js'
import { renderPackage } from './package-page.js'
import { renderRuntimeGroups } from './runtime-groups-page.js'
import { renderConsumers } from './consumers-page.js'
import { leavePage } from './page-lifecycle.js'

// Hash routes: #/catalog, #/packages/{id}, #/runtime-groups, #/runtime-groups/{rg}/consumers; what
// a page left behind running is stopped first (page-lifecycle.ts). With no token kept, the page first asks
// the Admin API without one when it loads: a control plane without admin tokens answers, and the page
// opens with no prompt (the empty token is kept, and there is nothing to sign out of). Otherwise the
// token prompt shows, and again whenever the Admin API answers 401.

const app = document.getElementById('app') as HTMLElement
const logout = document.getElementById('logout') as HTMLButtonElement

function renderLogin (reason?: string): void {
  clear(app)
  logout.hidden = true
  const input = h('input', { type: 'password', name: 'token', id: 'token', autocomplete: 'off', placeholder: 'admin or viewer token' })
  const form = h('form', { class: 'login card' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Enter an Admin API token (ATRIUM_ADMIN_TOKENS). It is kept in this tab only. Leave it empty when the control plane has no tokens.'),
    reason !== undefined ? h('p', { class: 'hint' }, reason) : null,
    h('label', { for: 'token' }, 'Token '), input, ' ',
    h('button', { type: 'submit' }, 'Sign in'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void (async () => {
      setToken(input.value.trim())
      try {
        await api('GET', '/runtime-groups?size=1')
        hideError()
        if (location.hash === '' || location.hash === '#/login') location.hash = '#/catalog'
        else void route()
      } catch (err) {
        setToken(null)
        showError(err)
      }
    })()
  })
  app.append(form)
  input.focus()
}

/** True when the Admin API answers without a token (no admin tokens configured). */
async function anonymousAllowed (): Promise<boolean> {
  try {
    await api('GET', '/runtime-groups?size=1')
    return true
  } catch {
    return false
  }
}

async function route (): Promise<void> {
  if (getToken() === null) { renderLogin(); return }
  logout.hidden = getToken() === ''
  const hash = location.hash.replace(/^#/, '')
  const parts = hash.split('/').filter((p) => p !== '').map(decodeURIComponent)
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', hash.startsWith((a.getAttribute('href') ?? '').slice(1)))
  leavePage()
  clear(app)
  try {
    if (parts[0] === 'packages' && parts[1] !== undefined) await renderPackage(app, parts[1])
    else if (parts[0] === 'runtime-groups' && parts[1] !== undefined && parts[2] === 'consumers') await renderConsumers(app, parts[1])
    else if (parts[0] === 'runtime-groups') await renderRuntimeGroups(app)
    else await renderCatalog(app)
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setToken(null)
      renderLogin('The token was refused: enter another one.')
      return
    }
    showError(err)
  }
}

logout.addEventListener('click', () => { setToken(null); hideError(); renderLogin() })
window.addEventListener('hashchange', () => { hideError(); void route() })
// Asked once, when the page loads: later routes (after a sign-out, a hash change) stay synchronous
// up to their first render, so a prompt shown never races a second one.
void (async () => {
  if (getToken() === null && await anonymousAllowed()) setToken('')
  await route()
})()
