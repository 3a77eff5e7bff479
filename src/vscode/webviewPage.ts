// The HTML shell of Glimpse's webviews and its Content Security Policy: nothing by default
// (default-src 'none'), images only as data: URIs (never remote), styles and the page's one script
// from the extension's media/ folder. No `vscode` import, so unit tests read it in plain Node.

/**
 * How a page's scripts are allowed.
 * - 'nonce': only the script tag carrying this load's nonce (the chat panel).
 * - 'inline-for-srcdoc': the page shows generated pages in a srcdoc iframe, which inherits this
 *   policy and needs inline <style> and <script>; a nonce would switch 'unsafe-inline' off for the
 *   iframe too, so the page's own script loads from the extension (cspSource) instead (the mockup
 *   preview, see mockupPreview.ts). Fonts: data: only.
 */
export type ScriptPolicy = 'nonce' | 'inline-for-srcdoc';

export interface WebviewPage {
  /** The document's <title>. */
  readonly title: string;
  /** Files in media/. */
  readonly stylesheet: string;
  readonly script: string;
  /** The id of the <main> element the script renders into. */
  readonly rootId: string;
  readonly scripts: ScriptPolicy;
}

/** `cspSource`: the webview's own resource origin; `nonce`: this load's, for 'nonce' pages. */
export function contentSecurityPolicy(scripts: ScriptPolicy, cspSource: string, nonce: string): string {
  const policy = scripts === 'nonce'
    ? ["default-src 'none'", 'img-src data:', `style-src ${cspSource}`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`]
    : ["default-src 'none'", 'img-src data:', `style-src ${cspSource} 'unsafe-inline'`, 'font-src data:', `script-src ${cspSource} 'unsafe-inline'`];
  return policy.join('; ');
}

/** The whole document; `mediaUri` turns a media/ file name into the webview's URI for it. */
export function pageHtml(page: WebviewPage, cspSource: string, mediaUri: (file: string) => string, nonce: string): string {
  const nonceAttribute = page.scripts === 'nonce' ? ` nonce="${nonce}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.scripts, cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${mediaUri(page.stylesheet)}">
<title>${page.title}</title>
</head>
<body>
<main id="${page.rootId}"></main>
<script${nonceAttribute} src="${mediaUri(page.script)}"></script>
</body>
</html>`;
}
