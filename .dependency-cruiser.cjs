// The layer rules of src/, checked by dependency-cruiser (`npm run check:layers`, first step of
// `npm test`). Each rule says what one part may not import and why; the core's own layers are
// listed once, lowest first, and a rule is made for each: a layer imports only its own layer and
// the ones below it. Type-only imports count: they couple the code as much as value imports do.

/** The core's layers, lowest first. A module sits in the first layer whose pattern matches it. */
const coreLayers = [
  { name: 'core root files and core/images', path: '^src/core/([^/]+\\.ts$|images/)' },
  { name: 'core/http (the one HTTP request layer)', path: '^src/core/http/' },
  { name: 'core/openai (the OpenAI-compatible client, SSE, ChatTurn)', path: '^src/core/openai/' },
  { name: 'core/models', path: '^src/core/models/' },
  { name: 'core/engine', path: '^src/core/engine/' },
  { name: 'core/remote', path: '^src/core/remote/' },
  { name: 'the flows: core/chat, core/mockup, core/history, core/score', path: '^src/core/(chat|mockup|history|score)/' },
];

const layerRules = coreLayers.slice(0, -1).map((layer, index) => ({
  name: `core-layer-${index}-imports-upward`,
  severity: 'error',
  comment: `${layer.name} must not import a higher layer (${coreLayers.slice(index + 1).map((l) => l.name).join('; ')}): `
    + 'the core runs downward only, so a lower layer can be tested and reused without the ones above it.',
  from: { path: layer.path },
  to: { path: coreLayers.slice(index + 1).map((l) => l.path) },
}));

/** The editor's API: 'vscode' resolves to its type declarations in @types/vscode (or to nothing). */
const vscodeApi = ['^vscode$', '^node_modules/@types/vscode/'];

/** Any Node builtin, as Node itself lists them, with or without the node: prefix. */
const nodeBuiltin = `^(node:.*|(${require('node:module').builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')}))$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-editor',
      severity: 'error',
      comment: 'src/core is plain TypeScript for the extension, the CLI, the tests and the benchmarks: '
        + 'it must not import vscode, nor the editor adapters, the webview, the CLI or the extension entry.',
      from: { path: '^src/core/' },
      to: { path: [...vscodeApi, '^src/vscode/', '^src/webview/', '^src/cli/', '^src/extension\\.ts$'] },
    },
    {
      name: 'webview-imports-host',
      severity: 'error',
      comment: 'src/webview runs in the browser inside the webview: it must not import vscode, the editor '
        + 'adapters or the CLI (it may use pure core modules such as core/protocol.ts).',
      from: { path: '^src/webview/' },
      to: { path: [...vscodeApi, '^src/vscode/', '^src/cli/', '^src/extension\\.ts$'] },
    },
    {
      name: 'webview-reaches-node',
      severity: 'error',
      comment: 'src/webview runs in the browser: neither it nor any module it uses, directly or through '
        + 'others, may import a Node builtin (node:fs, path, child_process, …) or sharp (a native addon).',
      from: { path: '^src/webview/' },
      to: { path: [nodeBuiltin, '^node_modules/sharp/'], reachable: true },
    },
    {
      name: 'cli-imports-editor',
      severity: 'error',
      comment: 'src/cli runs in plain Node without the editor: it must not import vscode or the editor adapters.',
      from: { path: '^src/cli/' },
      to: { path: [...vscodeApi, '^src/vscode/'] },
    },
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle ties its modules into one: none can be loaded, tested or moved alone.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file would escape every rule above.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
