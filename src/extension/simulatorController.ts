// Runs the built-in Ayla cloud simulator inside the extension host, so a user can try the extension
// (and later sign in) without an Ayla account.
import * as vscode from 'vscode';
import type * as SimulatorModule from '../simulator';
import type { Simulator } from '../simulator';

export class SimulatorController implements vscode.Disposable {
  private running: Simulator | undefined;
  private starting: Promise<Simulator> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the simulator starts or stops. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get url(): string | undefined {
    return this.running?.url;
  }

  /** Starts the simulator, or returns the one already running. */
  async start(): Promise<Simulator> {
    if (this.running) return this.running;
    // Two quick clicks must not start two simulators.
    this.starting ??= this.launch().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<boolean> {
    const simulator = this.running ?? (await this.starting?.catch(() => undefined));
    if (!simulator) return false;
    this.running = undefined;
    await simulator.stop();
    this.log.info('Local simulator stopped');
    await this.publish();
    return true;
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private async launch(): Promise<Simulator> {
    const settings = vscode.workspace.getConfiguration('aylaDss.simulator');
    // Loaded on first use: the simulator (its HTTP and WebSocket servers) is no part of activation.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startSimulator } = require('../simulator') as typeof SimulatorModule;
    const simulator = await startSimulator({
      port: settings.get<number>('port', 0),
      heartbeatMs: Math.round(settings.get<number>('heartbeatSeconds', 30) * 1000),
      devices: settings.get<number>('devices', 3),
      eventsPerSecond: settings.get<number>('eventsPerSecond', 0.5),
      log: (line) => this.log.debug(`simulator: ${line}`),
    });
    this.running = simulator;
    this.log.info(`Local simulator listening on ${simulator.url}`);
    await this.publish();
    return simulator;
  }

  private async publish(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'aylaDss.simulatorRunning', this.running !== undefined);
    this.changed.fire();
  }
}
