// The import's progress page: presses "Import the next rows" until the end, moving
// the progress bar after each chunk (the server says how far it got and in what
// words), then reloads the page, which shows the summary. Without this script the
// button does the same, one chunk per press.

const form = document.querySelector("form[data-import-steps]");
const bar = document.getElementById("import-progress");
const status = document.getElementById("import-status");

async function step() {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`import step answered ${response.status}`);
  return response.json();
}

async function run() {
  form.querySelector("[type=submit]").hidden = true;
  let stalled = 0;
  for (;;) {
    const progress = await step();
    stalled = progress.done === bar.value ? stalled + 1 : 0;
    bar.max = progress.total;
    bar.value = progress.done;
    status.textContent = progress.status;
    if (progress.finished) break;
    // Another tab is importing the same file: its page will finish it.
    if (stalled > 20) throw new Error("the import does not move");
  }
  window.location.reload();
}

if (form && bar && status) {
  run().catch(() => {
    // Let the person carry on by hand (the button posts the next chunk).
    form.querySelector("[type=submit]").hidden = false;
  });
}
