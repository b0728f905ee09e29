// Text into HTML, and JSON into a <script> element, without letting either end the element early.

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON safe inside <script type="application/json">: every "<" becomes \u003c, so no "</script>"
 * or "<!--" can appear, and the line separators U+2028/2029 are escaped too. JSON.parse reads the
 * same value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
