// Types of fixtures.mjs for the TypeScript tests that load it (test/e2e/harness.ts, test/runElectron.ts).
export declare const workspaceFiles: {
  readonly screenshot: string;
  readonly quadrants: string;
  readonly photo: string;
  readonly corrupt: string;
};
export declare function prepareWorkspace(directory?: string): Promise<string>;
export declare function prepareTinyModel(): Promise<{ modelPath: string; mmprojPath: string }>;
export declare function tinyModelSettings(): Promise<Record<string, unknown>>;
