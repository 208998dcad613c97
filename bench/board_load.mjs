// Load generator for the live board (make bench-board): N socket.io clients join one
// board; W of them create cards at a total rate of R per second for D seconds. Every
// card's text carries its send time, so each receiving client measures the delivery
// latency of every event. Prints one JSON line with the measurements.
//
// usage: node bench/board_load.mjs URL TOKENS_FILE BOARD_ID THEME_ID RATE SECONDS WRITERS
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

const [url, tokensFile, boardArg, themeArg, rateArg, secondsArg, writersArg] =
  process.argv.slice(2);
const board = Number(boardArg);
const theme = Number(themeArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const tokens = readFileSync(tokensFile, "utf8").trim().split("\n");
const writers = Math.min(Number(writersArg), tokens.length);

const latencies = [];
let received = 0;
let acked = 0;
let errors = 0;
const clients = [];

function connect(token) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/board`, {
      transports: ["websocket"],
      auth: { token },
      reconnection: false,
      timeout: 60000,
    });
    socket.on("connect_error", reject);
    socket.on("event", (event) => {
      received += 1;
      const match = /^t=(\d+(?:\.\d+)?)/.exec(event.data?.card?.text ?? "");
      if (match) latencies.push(performance.timeOrigin + performance.now() - Number(match[1]));
    });
    socket.on("connect", () => {
      socket.emit("join", { board }, (ack) => (ack.ok ? resolve(socket) : reject(ack)));
    });
  });
}

const started = Date.now();
for (let i = 0; i < tokens.length; i += 50) {
  clients.push(...(await Promise.all(tokens.slice(i, i + 50).map(connect))));
}
const connectSeconds = (Date.now() - started) / 1000;

const total = Math.round(rate * seconds);
const interval = 1000 / rate;
let sent = 0;
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const socket = clients[sent % writers];
    const now = performance.timeOrigin + performance.now();
    socket.emit(
      "card:create",
      { board, cid: `b-${sent}-${now}`, theme, text: `t=${now} bench card ${sent}` },
      (ack) => (ack.ok ? (acked += 1) : (errors += 1)),
    );
    sent += 1;
    if (sent >= total) {
      clearInterval(timer);
      resolve();
    }
  }, interval);
});
// Let the last acks, then the last events, arrive.
const deadline = Date.now() + 30000;
while ((acked + errors < sent || received < acked * clients.length) && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100));
}
latencies.sort((a, b) => a - b);
const pick = (q) => (latencies.length ? latencies[Math.floor(q * (latencies.length - 1))] : null);
console.log(
  JSON.stringify({
    clients: clients.length,
    sent,
    acked,
    errors,
    expected: acked * clients.length,
    delivered: received,
    p50: pick(0.5),
    p95: pick(0.95),
    p99: pick(0.99),
    connect_seconds: connectSeconds,
  }),
);
for (const socket of clients) socket.disconnect();
process.exit(0);
