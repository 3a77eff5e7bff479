// Context keys the walkthrough ticks its steps with: "Choose a model" (glimpse.modelChosen) once a
// model pair or a remote server is set, whichever way it was set; "Check the engine"
// (glimpse.engineReady) once the engine check passed.
//
// VS Code ticks a step only when its expression turns true while the walkthrough service exists;
// the service is created lazily (when the Welcome page opens), and an expression already true at
// that moment is recorded as seen and never ticks in that session (VS Code 1.139's
// gettingStartedService). So the keys stay false and are pulsed true for a moment when the user
// may be looking at the walkthrough: just after activation if an editor of no public type is open
// (the Welcome page, VS Code's default start-up editor, is one), when such an editor opens, when a
// setting changes, when the engine check passes. VS Code persists a tick, so one timely pulse is enough.

import * as vscode from 'vscode';
import { readConfig } from './config';

export const modelChosenContext = 'glimpse.modelChosen';
export const engineReadyContext = 'glimpse.engineReady';
/** After a tab opens: time for the Welcome page to create the walkthrough service. */
const pulseDelayMs = 1_000;
/** How long a pulse keeps a key true. */
const pulseMs = 3_000;

function modelChosen(): boolean {
  const config = readConfig();
  return config.backend === 'remote' ? config.remote.url !== '' : Boolean(config.modelPath);
}

export class WalkthroughContext implements vscode.Disposable {
  private engineReady = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.set(modelChosenContext, false);
    this.set(engineReadyContext, false);
    this.subscriptions = [
      // The Welcome page is an editor without a public input type; files, diffs, webviews and
      // terminals have one, so opening them costs nothing here.
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        if (event.opened.some((tab) => tab.input === undefined)) this.pulseAll(pulseDelayMs);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('glimpse')) this.pulseAll(0);
      }),
    ];
    // The Welcome page may be open already (it is VS Code's default start-up editor). Only then:
    // a pulse with no Welcome page open would be a key already true when the user opens the
    // walkthrough a moment later, which VS Code records as seen, never to tick that session.
    if (vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input === undefined))) this.pulseAll(pulseDelayMs);
  }

  /** The engine check passed (or failed): tick "Check the engine" now if it passed. */
  setEngineReady(ready: boolean): void {
    this.engineReady = ready;
    if (ready) this.pulse(engineReadyContext, 0);
  }

  private pulseAll(delayMs: number): void {
    if (modelChosen()) this.pulse(modelChosenContext, delayMs);
    if (this.engineReady) this.pulse(engineReadyContext, delayMs);
  }

  private pulse(key: string, delayMs: number): void {
    this.later(delayMs, () => {
      this.set(key, true);
      this.later(pulseMs, () => this.set(key, false));
    });
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private set(key: string, value: boolean): void {
    void vscode.commands.executeCommand('setContext', key, value);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
