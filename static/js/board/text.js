/* Text helpers of the board's script, pure: the server's `%(name)s` placeholders
 * filled in, and long card texts shortened for notices and lists. */

const SHORT_TEXT = 80;

/** `text` with each `%(key)s` replaced by `values[key]` (unknown keys left as they are). */
export function fmt(text, values = {}) {
  return String(text).replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** One line of at most 80 characters. */
export function short(text) {
  const value = String(text ?? "").replace(/\s+/g, " ").trim();
  return value.length <= SHORT_TEXT ? value : `${value.slice(0, SHORT_TEXT - 1)}…`;
}
