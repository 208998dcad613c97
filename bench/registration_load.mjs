// Load generator of `make bench-board`'s registration scenario: POSTs of the public
// registration form, open loop, each with unique data and a CSRF token.
//
// Started with a plan (a JSON file: url, slug, sessions), it first opens `sessions`
// visitor sessions, each with a GET of the form (its session cookie, its CSRF token,
// the consent version and the first theme offered), answers {"type": "ready"}, then
// runs the commands it reads on stdin, one JSON line each:
//
// - {"cmd": "post", "rate": R, "seconds": D}: R POSTs a second for D seconds, spread
//   over the sessions, each a new organisation; latency from the request to the end
//   of the response. A registration is accepted when the answer is the redirect to
//   the "registered" page (302); anything else is counted by status.
// - {"cmd": "quit"}.
//
// The GETs are not timed: only the POSTs count, as the target says.
//
// usage: node bench/registration_load.mjs PLAN.json
import { readFileSync } from "node:fs";
import { Samples, answer, nowMs, serveCommands, sleep, summarise, usageMeter } from "./load_common.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const form = `${plan.url}/p/${plan.slug}/register`;
const RUN = `${process.pid}-${Date.now()}`;
// A POST not answered by then counts as `timeout`: a step ends at the latest this long
// after its last request was sent.
const TIMEOUT_MS = 30000;

const hidden = (html, name) =>
  new RegExp(`name="${name}" type="hidden" value="([^"]*)"`).exec(html)?.[1];

function remember(session, response) {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const [name] = pair.split("=");
    session.cookies.set(name, pair);
  }
}

async function openSession() {
  const session = { cookies: new Map() };
  const response = await fetch(form);
  const html = await response.text();
  remember(session, response);
  session.csrf = hidden(html, "csrf_token");
  session.consentVersion = hidden(html, "consent_version");
  session.theme = /name="themes" type="checkbox" value="([^"]+)"/.exec(html)?.[1];
  if (!session.csrf || !session.theme) throw new Error(`no form at ${form} (${response.status})`);
  return session;
}

function body(session, n) {
  const fields = new URLSearchParams({
    csrf_token: session.csrf,
    consent_version: session.consentVersion ?? "",
    organisation_name: `Bench ${n} SRL`,
    kind: "sme",
    size: "small",
    sector: "C",
    locality: "Otopeni",
    region: "Ilfov",
    country: "RO",
    contact_name: "Bench Person",
    contact_email: `reg-${RUN}-${n}@bench-demo.ro`,
    services: "mentoring",
    themes: session.theme,
    consent: "y",
    fax_number: "",
  });
  return fields.toString();
}

let posted = 0;

async function postOne(session, step) {
  const n = posted;
  posted += 1;
  const startedAt = nowMs();
  try {
    const response = await fetch(form, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: [...session.cookies.values()].join("; "),
      },
      body: body(session, n),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.arrayBuffer();
    remember(session, response);
    step.latencies.push(nowMs() - startedAt);
    const ok = response.status === 302 && /\/registered/.test(response.headers.get("location") ?? "");
    const key = ok ? "accepted" : String(response.status);
    step.statuses[key] = (step.statuses[key] ?? 0) + 1;
  } catch (error) {
    const key = error?.name === "TimeoutError" ? "timeout" : "network";
    step.statuses[key] = (step.statuses[key] ?? 0) + 1;
  }
}

async function post({ rate, seconds }) {
  const total = Math.max(1, Math.round(rate * seconds));
  const step = { latencies: new Samples(), statuses: {} };
  const usage = usageMeter();
  const pending = [];
  const startedAt = nowMs();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - startedAt) * rate) / 1000) + 1);
    for (; sent < due; sent += 1) pending.push(postOne(sessions[sent % sessions.length], step));
    await sleep(1);
  }
  const sendSeconds = (nowMs() - startedAt) / 1000;
  await Promise.all(pending);
  const elapsed = (nowMs() - startedAt) / 1000;
  return {
    type: "posts",
    rate,
    seconds,
    sent,
    send_seconds: sendSeconds,
    accepted: step.statuses.accepted ?? 0,
    statuses: step.statuses,
    accepted_per_second: (step.statuses.accepted ?? 0) / elapsed,
    latency: summarise(Samples.sorted(step.latencies)),
    ...usage(),
  };
}

const sessions = [];
for (let i = 0; i < (plan.sessions ?? 50); i += 1) sessions.push(await openSession());
answer({ type: "ready", sessions: sessions.length });
await serveCommands({ post }, async () => {});
