// Progressive enhancement of the server-rendered pages (they all work without it):
// - a link of the error summary moves focus to its field and shows the field's label;
// - long work shows that it is under way: a form or link marked `data-busy="…"`
//   says that text and is `aria-busy` until the answer comes, and cannot be sent
//   twice. Such a link is fetched here, so that its busy state ends when the answer
//   has arrived: a file to save (an export) is saved; anything else (the pact's PDF,
//   shown inline, or an error page) is then opened as usual, from the server's
//   cache for the PDF.

function setBusy(control, text) {
  control.dataset.idleText = control.textContent;
  control.textContent = text;
  control.setAttribute("aria-busy", "true");
  control.setAttribute("aria-disabled", "true");
}

function setIdle(control) {
  if (control.dataset.idleText === undefined) return;
  control.textContent = control.dataset.idleText;
  delete control.dataset.idleText;
  control.removeAttribute("aria-busy");
  control.removeAttribute("aria-disabled");
  control.disabled = false;
}

function isBusy(control) {
  return control.getAttribute("aria-busy") === "true";
}

function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy) return;
  const button = event.submitter || form.querySelector("[type=submit]");
  if (isBusy(form)) {
    event.preventDefault(); // sent already: a second click must not send it again
    return;
  }
  form.setAttribute("aria-busy", "true");
  if (!button) return;
  setBusy(button, form.dataset.busy);
  // Disabled only after this event: a disabled button's name and value would be
  // left out of what the form sends.
  setTimeout(() => {
    button.disabled = true;
  });
}

function fileName(disposition) {
  const match = /filename="?([^";]+)"?/.exec(disposition || "");
  return match ? match[1] : "";
}

async function fetchThenOpen(link) {
  const response = await fetch(link.href, { credentials: "same-origin" });
  const disposition = response.headers.get("Content-Disposition") || "";
  if (!response.ok || !disposition.startsWith("attachment")) {
    window.location.assign(link.href);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const save = document.createElement("a");
  save.href = url;
  save.download = fileName(disposition) || link.getAttribute("download") || "";
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function onClick(event) {
  const link = event.target instanceof Element && event.target.closest("a[href]");
  if (!link) return;
  if (link.closest("#error-summary")) {
    focusField(event, link);
    return;
  }
  if (!link.dataset.busy || event.button !== 0) return;
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  if (isBusy(link)) {
    event.preventDefault();
    return;
  }
  event.preventDefault();
  setBusy(link, link.dataset.busy);
  fetchThenOpen(link)
    .catch(() => window.location.assign(link.href))
    .finally(() => setIdle(link));
}

const CONTROLS = "input:not([type=hidden]), select, textarea";

function focusField(event, link) {
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!target) return;
  // A group of boxes (a list) is reached through its first box.
  const field = target.matches(CONTROLS) ? target : target.querySelector(CONTROLS);
  if (!field) return;
  event.preventDefault();
  const legend = field.closest("fieldset")?.querySelector("legend");
  const label = target === field && field.labels?.length ? field.labels[0] : legend;
  (label || field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
}

document.addEventListener("submit", onSubmit);
document.addEventListener("click", onClick);
// Back to a page kept in the browser's memory: nothing is under way any more.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  document.querySelectorAll("[aria-busy=true]").forEach((control) => {
    control.removeAttribute("aria-busy");
    setIdle(control);
  });
});
