/* The board's modal dialogs (move a card, confirm a deletion, remove a participant):
 * native <dialog> elements opened with showModal(), so the rest of the page is inert
 * (focus stays inside) and Escape closes them. Each holds a <form method="dialog">
 * whose confirming button has value="confirm". When a dialog closes, focus goes back
 * to the control that opened it, or, if that is gone, to `fallback()`. */

/** Open `dialog` for `trigger`; `onConfirm(form)` runs when the person confirms. */
export function openDialog(dialog, trigger, { onConfirm, fallback = () => null }) {
  const form = dialog.querySelector("form");
  dialog.returnValue = "";
  dialog.addEventListener("close", () => {
    const confirmed = dialog.returnValue === "confirm";
    if (confirmed) onConfirm(form);
    const back = trigger?.isConnected && !trigger.disabled && trigger.checkVisibility() ? trigger : fallback();
    back?.focus();
  }, { once: true });
  dialog.showModal();
  const first = form.querySelector("select, input:not([type=hidden]), textarea, button");
  first?.focus();
}
