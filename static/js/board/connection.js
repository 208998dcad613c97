/* Why the socket could not connect, pure. The server refuses in two ways
 * (docs/protocol.md, Connecting):
 *
 * - a Socket.IO refusal with data (`unauthorized` and its message, or
 *   `too_many_connections` when the person has the board open in too many windows),
 *   after which the socket.io client stops by itself: `connectRefusal` reads it;
 * - an Engine.IO refusal of the page's origin (HTTP 400), before any Socket.IO packet.
 *   The client cannot tell it from a network failure: over WebSocket the server
 *   accepts the upgrade and closes at once, which the client only notices when its
 *   connect timeout passes, and it retries for ever. `originRefused` asks the server
 *   plainly instead.
 *
 * Anything else (no answer, a proxy's 502) may pass: the client keeps trying, and
 * after a few failures in a row the page says it cannot reach the server. */

import { fmt } from "./text.js";

/** Failed attempts in a row after which the page stops saying "Connecting…". */
export const UNREACHABLE_AFTER = 3;
/** Not connected this long after starting: ask whether the origin is refused. */
export const PROBE_AFTER_MS = 4000;
const REFUSED_STATUS = 400;

/** What the status line says after a `connect_error` the client will not retry
 * (`active` false: the server refused the Socket.IO connection), or null. */
export function connectRefusal(error, active, T) {
  if (active) return null;
  const data = error?.data;
  if (data?.code === "unauthorized") {
    const because = T.refusedReasons?.[data.reason];
    if (because) return fmt(T.refusedBecause, { reason: because });
    return fmt(T.refusedUnauthorized, { reason: String(data.message || "") });
  }
  return T.errors?.[data?.code] || T.refused;
}

/** What the page says when the server ended its access (`session_ended`): the
 * reason's words, or the general ones for a reason this page does not know. */
export function sessionEndedText(message, T) {
  const words = T.sessionEnded || {};
  return words[message?.reason] || words.other || T.refused;
}

/** Does the server refuse this page's origin? Engine.IO checks the `Origin` of every
 * request first and answers a refused one with 400, a CORS preflight (OPTIONS) too,
 * which opens no session; browsers send `Origin` with a same-origin OPTIONS, never
 * with a GET. False when the server cannot be asked (the network is down). */
export async function originRefused(fetchFn, socketPath) {
  try {
    const response = await fetchFn(`${socketPath}/?EIO=4&transport=polling`, {
      method: "OPTIONS",
      cache: "no-store",
    });
    return response.status === REFUSED_STATUS;
  } catch {
    return false;
  }
}
