/* Staying joined to a board over the socket (PROTOCOL.md: Joining), for every page that
 * shows the live board: the board page (main.js) and the projector screen (screen.js).
 *
 * On every connection it sends `join`, with `since` (the last applied seq) once it has
 * one; the answer's snapshot or events, and every `event` or `events` after, go through
 * the page's sequencer, and what is ready is handed to the page in `seq` order. While
 * events are missing it waits a moment for them, then joins again with `since`. An
 * unanswered join is tried again while the socket stays connected; a refused one
 * disconnects. Answers that arrive on an old connection are ignored: `connection` counts
 * the disconnections, for the page's own acknowledgements too. What the page does with
 * it all is in its callbacks:
 *
 * - `loadSnapshot(snapshot, presenceSeen)`: a snapshot replaces the page's state;
 *   `presenceSeen`: a `presence` came after the join was sent, and is newer than the
 *   snapshot's list of who is here;
 * - `apply(ready)`: the events the sequencer let through, [{message, live}], in order;
 * - `joined(ack)`: after the answer's events or snapshot are applied;
 * - `refused(ack)`: the server said no (the socket is closed after it). */

export const GAP_WAIT_MS = 1000;
export const ACK_TIMEOUT_MS = 10000;
export const RETRY_MS = 1500;

export function stayJoined({ socket, board, sequencer, loadSnapshot, apply, joined, refused }) {
  let connection = 0; // bumped on every disconnect: late answers of an old one are ignored
  let joining = false;
  let gapTimer = null;
  // The server announces who is here (this page too) before it answers the join, whose
  // snapshot was taken before: the announcement wins.
  let presenceSeen = false;

  /** Apply what the sequencer let through; while events are missing, wait a moment for
   * them, then join again with `since`. */
  function applyReady({ ready, gap }) {
    apply(ready);
    if (!gap) {
      clearTimeout(gapTimer);
      gapTimer = null;
    } else if (gapTimer === null) {
      gapTimer = setTimeout(() => {
        gapTimer = null;
        if (sequencer.gap && socket.connected && !joining) join();
      }, GAP_WAIT_MS);
    }
  }

  function join() {
    if (joining) return;
    joining = true;
    const payload = { board };
    if (sequencer.last !== null) payload.since = sequencer.last;
    const joinedOn = connection;
    presenceSeen = false;
    socket.timeout(ACK_TIMEOUT_MS).emit("join", payload, (error, ack) => {
      if (joinedOn !== connection) return;
      joining = false;
      if (error || !ack) {
        if (socket.connected) setTimeout(join, RETRY_MS);
        return;
      }
      if (!ack.ok) {
        refused(ack);
        socket.disconnect();
        return;
      }
      if (ack.mode === "snapshot") {
        loadSnapshot(ack.snapshot, presenceSeen);
        applyReady(sequencer.reset(ack.seq));
      } else {
        applyReady(sequencer.receiveAll(ack.events, false));
      }
      joined(ack);
    });
  }

  socket.on("connect", join);
  socket.on("disconnect", () => {
    connection += 1;
    joining = false;
  });
  socket.on("event", (message) => applyReady(sequencer.receive(message)));
  socket.on("events", (messages) => applyReady(sequencer.receiveAll(messages)));
  socket.on("presence", (message) => {
    if (message?.board === board) presenceSeen = true;
  });

  return {
    /** How many times the socket has disconnected: an answer to something sent on an
     * earlier connection is stale. */
    get connection() {
      return connection;
    },
  };
}
