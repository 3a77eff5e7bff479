// The document a generated page is shown in: the live preview's sandboxed iframe (srcdoc) and the
// visual score's headless render both use this, so what is scored is what the user sees. A
// Content-Security-Policy that allows no network comes first in <head>; for Tailwind the browser
// runtime bundled with Glimpse is inlined (no CDN). Pure string work: runs in Node and in the webview.

import type { MockupPreviewKind } from './targets';

/** No request of any kind; inline styles and scripts only (the page's own, and Tailwind's runtime). */
export const previewContentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:";

const cspMeta = `<meta http-equiv="Content-Security-Policy" content="${previewContentSecurityPolicy}">`;

/**
 * `code` as a complete HTML document with the no-network CSP as the first element of <head> (a CSP
 * in a meta tag applies only to what follows it). A fragment is wrapped in a minimal document; an
 * existing <head> or <html> keeps its attributes. A CSP the page brings itself can only tighten
 * this one (policies intersect).
 */
export function buildPreviewDocument(code: string, preview: Exclude<MockupPreviewKind, 'none'>, tailwindRuntime?: string): string {
  const runtime = preview === 'tailwind' && tailwindRuntime ? `<script>${escapeScriptText(tailwindRuntime)}</script>` : '';
  const inject = `${cspMeta}${runtime}`;
  const head = /<head(\s[^>]*)?>/i.exec(code);
  if (head) return splice(code, head.index + head[0].length, inject);
  const html = /<html(\s[^>]*)?>/i.exec(code);
  if (html) return splice(code, html.index + html[0].length, `<head>${inject}</head>`);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(code);
  if (doctype) return splice(code, doctype[0].length, `<head>${inject}</head>`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8">${inject}</head><body>${code}</body></html>`;
}

/** Text inside <script> must not contain `</script` (it would end the element early) or `<!--`. */
export function escapeScriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function splice(text: string, at: number, insert: string): string {
  return `${text.slice(0, at)}${insert}${text.slice(at)}`;
}
