/* The board's modal dialogs (move a card, confirm a deletion, remove a participant):
 * native <dialog> elements opened with showModal(), so the rest of the page is inert
 * and Escape closes them; Tab and Shift+Tab go round the dialog's own controls rather
 * than out to the browser. Each holds a <form method="dialog"> whose confirming
 * button has value="confirm". When a dialog closes, focus goes back to the control
 * that opened it, or, if that is gone, to `fallback()`. */

const CONTROLS = "select, input:not([type=hidden]), textarea, button";

/** Open `dialog` for `trigger`; `onConfirm(form)` runs when the person confirms. */
export function openDialog(dialog, trigger, { onConfirm, fallback = () => null }) {
  const form = dialog.querySelector("form");
  dialog.returnValue = "";
  dialog.addEventListener("keydown", keepTabInside);
  dialog.addEventListener("close", () => {
    dialog.removeEventListener("keydown", keepTabInside);
    if (dialog.returnValue === "confirm") onConfirm(form);
    const back = trigger?.isConnected && !trigger.disabled && trigger.checkVisibility() ? trigger : fallback();
    back?.focus();
  }, { once: true });
  dialog.showModal();
  form.querySelector(CONTROLS)?.focus();
}

function keepTabInside(event) {
  if (event.key !== "Tab") return;
  const controls = [...event.currentTarget.querySelectorAll(CONTROLS)].filter((c) => !c.disabled);
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
