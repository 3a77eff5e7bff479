// Types of paths.mjs for the TypeScript tests that load it (test/e2e/harness.ts, test/runElectron.ts).
export declare const nodeVersion: string;
export declare const codeServerVersion: string;
export declare const chromiumPath: string;
export declare const repositoryRoot: string;
export declare const cacheRoot: string;
export declare const installDirectory: string;
export declare const nodePackageDirectory: string;
export declare const nodeBinary: string;
export declare const codeServerPrefix: string;
export declare const codeServerPackage: string;
export declare const codeServerEntry: string;
export declare const completeMarker: string;
export declare const generatedDirectory: string;
export declare const screenshotsDirectory: string;
export declare const workspaceDirectory: string;
export declare function assertInstalled(): void;
