/* DOM helpers of the board's script. User text only ever reaches the page as text
 * (textContent, or strings appended as text nodes), never as HTML. */

/** An element with attributes (false/null left out) and children (strings become text). */
export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

/** A button of the board's click handler (`data-action`). */
export function button(action, label, attributes = {}) {
  return el("button", { type: "button", "data-action": action, text: label, ...attributes });
}

/** Run `change`, then give focus (and the caret) back to where it was, should the
 * focused element have been moved in the page. */
export function keepingFocus(change) {
  const focused = document.activeElement;
  const caret = typeof focused?.selectionStart === "number"
    ? [focused.selectionStart, focused.selectionEnd] : null;
  change();
  if (!focused || focused === document.body || document.activeElement === focused) return;
  if (!focused.isConnected) return;
  focused.focus({ preventScroll: true });
  if (caret) focused.setSelectionRange(...caret);
}

/** Can `node` hold focus now (on the page, shown, not disabled)? */
export function focusable(node) {
  return Boolean(node?.isConnected && !node.disabled && node.checkVisibility());
}
