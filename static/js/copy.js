// "Copy" buttons (`<button type="button" hidden data-copy="…" data-copied="…">`):
// shown only where the browser can write to the clipboard (a secure page), they copy
// their text and say so in the page's status region (#copy-status), which screen
// readers announce. Without it, the text stays on the page to select by hand.

const status = document.getElementById("copy-status");

function say(text) {
  if (!status) return;
  // Emptied first, so that the same message is announced again on a second copy.
  status.textContent = "";
  setTimeout(() => {
    status.textContent = text;
  }, 50);
}

async function copy(button) {
  try {
    await navigator.clipboard.writeText(button.dataset.copy || "");
    say(button.dataset.copied || "");
  } catch {
    say(status?.dataset.failed || "");
  }
}

if (navigator.clipboard && window.isSecureContext) {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", () => copy(button));
  }
}
