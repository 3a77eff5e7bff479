// Types of results.mjs for the TypeScript tests that load it (test/runElectron.ts).
export interface IntegrationResults {
  passes: { title: string; duration: number }[];
  failures: { title: string; message: string; stack: string }[];
}
export declare function readResults(resultsPath: string): Promise<IntegrationResults | undefined>;
export declare function printResults(results: IntegrationResults | undefined): void;
export declare function summaryLine(results: IntegrationResults | undefined): string;
