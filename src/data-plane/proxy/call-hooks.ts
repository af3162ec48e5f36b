import type { ErrorCode } from '../../errors.js'

// The seam of the upstream call. An UpstreamCall alone relays the upstream's answer to the client
// as it arrives (the plugin-free fast path). Whoever needs to see or change the exchange — the
// plugin runner — gives the call one object
// implementing these hooks instead of subclassing it, the way undici's handlers wrap handlers.
// The call keeps its state to itself and asks the hooks at fixed points; hooks act on the call
// only through the narrow HookedCall surface below.

/** What hooks may do to the call that called them. */
export interface HookedCall {
  /** Answer with this status and header list instead of the upstream's (in onResponseStart, before RESPONSE_STREAM). */
  replaceHead: (status: number, headers: string[]) => void
  /** Give up on the upstream: onError follows with the error's code. */
  abort: (err: Error) => void
}

/** onResponseStart's answer: relay the response (status/headers as they are, or as replaced). */
export const RESPONSE_STREAM = 0
/** onResponseStart's answer: the hooks take the body (onResponseData) and write the response themselves at onResponseEnd. */
export const RESPONSE_HOLD = 1
/** onResponseStart's answer: the hooks failed; the upstream call is aborted and onError follows. */
export const RESPONSE_FAILED = 2

export type ResponseMode = typeof RESPONSE_STREAM | typeof RESPONSE_HOLD | typeof RESPONSE_FAILED

export interface UpstreamCallHooks {
  /**
   * The upstream's final status and headers arrived (`headers` already filtered for the client, a
   * list the hooks may edit). Nothing was written to the client yet. To answer with another
   * status or header list, call `call.replaceHead` before returning RESPONSE_STREAM.
   */
  onResponseStart: (call: HookedCall, status: number, headers: string[]) => ResponseMode
  /**
   * A chunk of the upstream body. RESPONSE_STREAM: seen before it is written to the client (the
   * return value is ignored). RESPONSE_HOLD: the hooks keep it; false asks the call to pause the
   * upstream (the hooks then abort or resume it).
   */
  /**
   * An upgrade request the upstream answered 101 (`headers` filtered for the client, editable):
   * the response phase of a response without a body, before the 101 is relayed and the tunnel
   * opens. False when the hooks failed: the call then answers through onError.
   */
  onUpgrade: (call: HookedCall, status: number, headers: string[]) => boolean
  onResponseData: (call: HookedCall, chunk: Buffer) => boolean
  /** The upstream body ended. RESPONSE_STREAM: before the client's response is ended; RESPONSE_HOLD: the hooks write the response now. */
  onResponseEnd: (call: HookedCall) => void
  /**
   * The call failed with nothing sent to the client yet (no retry left, or none allowed): the hooks
   * answer instead of the call's own error writer. `closeConnection`: the request body was left
   * half-read, so the connection cannot carry another request.
   */
  onError: (call: HookedCall, code: ErrorCode, closeConnection: boolean) => void
}
