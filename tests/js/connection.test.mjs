// How the page reads a failed connection (static/js/board/connection.js). The errors
// have the shapes socket.io-client 4 gives them; the server's answers are those of
// python-engineio (docs/protocol.md, Connecting).
import assert from "node:assert/strict";
import { test } from "node:test";

import { connectRefusal, originRefused, sessionEndedText } from "../../static/js/board/connection.js";

const T = {
  refused: "refused",
  refusedUnauthorized: "not let in: %(reason)s",
  refusedBecause: "not let in, because %(reason)s",
  refusedReasons: { expired: "your link expired" },
  errors: { too_many_connections: "open in too many windows" },
};

test("an unauthorized refusal with a known reason is said in the page's words", () => {
  const error = Object.assign(new Error("invalid token (expired)"), {
    data: { code: "unauthorized", message: "invalid token (expired)", reason: "expired" },
  });
  assert.equal(connectRefusal(error, false, T), "not let in, because your link expired");
});

test("an unauthorized refusal without a known reason is said with the server's message", () => {
  const error = Object.assign(new Error("invalid token (expired)"), {
    data: { code: "unauthorized", message: "invalid token (expired)" },
  });
  assert.equal(connectRefusal(error, false, T), "not let in: invalid token (expired)");
});

test("a refusal for too many connections says so, in the page's words", () => {
  const error = Object.assign(new Error("too many"), {
    data: { code: "too_many_connections", message: "too many connections" },
  });
  assert.equal(connectRefusal(error, false, T), "open in too many windows");
});

test("another refusal the client stops on is said plainly", () => {
  assert.equal(connectRefusal(new Error("no"), false, T), "refused");
});

test("a failure the client retries by itself is no refusal", () => {
  const transport = Object.assign(new Error("xhr poll error"), { type: "TransportError", description: 400 });
  assert.equal(connectRefusal(transport, true, T), null);
  assert.equal(connectRefusal(new Error("timeout"), true, T), null);
});

test("the origin check is asked with a preflight, which carries Origin and opens no session", async () => {
  const asked = [];
  const fetchFn = async (url, options) => {
    asked.push([url, options.method]);
    return { status: 200 };
  };
  assert.equal(await originRefused(fetchFn, "/socket.io"), false);
  assert.deepEqual(asked, [["/socket.io/?EIO=4&transport=polling", "OPTIONS"]]);
});

test("only the server's 400 means the origin is refused; no answer or a 502 does not", async () => {
  const answering = (status) => async () => ({ status });
  assert.equal(await originRefused(answering(400), "/socket.io"), true);
  assert.equal(await originRefused(answering(502), "/socket.io"), false);
  const down = async () => {
    throw new TypeError("Failed to fetch");
  };
  assert.equal(await originRefused(down, "/socket.io"), false);
});

test("an ended session is said in the words of its reason, or the general ones", () => {
  const words = { ...T, sessionEnded: { logged_out: "you were logged out", other: "your access ended" } };
  assert.equal(sessionEndedText({ reason: "logged_out" }, words), "you were logged out");
  assert.equal(sessionEndedText({ reason: "some_new_reason" }, words), "your access ended");
  assert.equal(sessionEndedText(null, words), "your access ended");
});
