// Types of codeServer.mjs for the TypeScript tests that load it (test/e2e/harness.ts).
export declare const fastLoadSettings: Readonly<Record<string, unknown>>;

export interface CodeServerOptions {
  /** Extra user settings; they are also written as remote machine settings (see codeServer.mjs). */
  settings?: Record<string, unknown>;
  disableWorkspaceTrust?: boolean;
  /** Extra environment for code-server and the extension host it starts. */
  env?: Record<string, string>;
  /** VSIX files installed (code-server --install-extension) into the fresh extensions folder first. */
  installExtensions?: string[];
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly userDataDirectory: string;
  readonly extensionsDirectory: string;
  log(): string;
  saveServerLogs(target: string): Promise<void>;
  dispose(): Promise<void>;
}

export declare function startCodeServer(options?: CodeServerOptions): Promise<CodeServer>;
export declare function remoteUri(port: number, absolutePath: string): string;
export declare function workbenchUrl(
  server: Pick<CodeServer, 'port' | 'url'>,
  options?: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string },
): string;
