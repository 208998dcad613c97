// A broadcast-only Node socket.io 4.8 server, a baseline of `make bench-board`: the
// board's wire behaviour and nothing else (no persistence, no identity, no rules).
// Namespace `/board`: `join` puts the connection in the board's room and acks
// {ok, seq}; `card:create` takes the board's next seq, emits one `event` to the
// room (the product's shape: board, seq, type, actor, data.card, at) and acks
// {ok, seq, card}. The same server in Python is bench/bare_flask.py.
//
// usage: node bench/bare_node.mjs PORT
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2]);
const origin = `http://127.0.0.1:${port}`;
const httpServer = createServer((request, response) => response.end("bare socket.io\n"));
const io = new Server(httpServer, {
  cors: { origin: [origin] },
  maxHttpBufferSize: 1024 * 1024,
  serveClient: false,
});
const board = io.of("/board");
const seqs = new Map();
const actor = { id: 1, name: "Bench Person", organisation: "Bench SRL" };
let cards = 0;

const room = (id) => `board:${id}`;

board.on("connection", (socket) => {
  socket.on("join", (payload, ack) => {
    const id = Number(payload?.board);
    socket.join(room(id));
    ack?.({ ok: true, seq: seqs.get(id) ?? 0 });
  });
  socket.on("card:create", (payload, ack) => {
    const id = Number(payload?.board);
    const seq = (seqs.get(id) ?? 0) + 1;
    seqs.set(id, seq);
    cards += 1;
    const at = new Date().toISOString();
    const card = {
      id: cards,
      board: id,
      theme: payload.theme,
      kind: payload.kind ?? "idea",
      text: String(payload.text ?? ""),
      author: actor,
      hidden: false,
      cluster: null,
      merged_into: null,
      deleted: false,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    board.to(room(id)).emit("event", { board: id, seq, type: "card:create", actor, data: { card }, at });
    ack?.({ ok: true, seq, card });
  });
});

httpServer.listen(port, "127.0.0.1", () => console.log(`bare socket.io on ${origin}`));
