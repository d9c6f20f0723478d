// Reads the streaming and model settings (aylaDss.*) into the plain shapes the Explorer takes.
import * as vscode from 'vscode';
import { EVENT_TYPES } from '../ayla/events';
import type { EventType } from '../ayla/wireTypes';
import type { ExplorerOptions, StreamingSettings } from './explorer';

export function streamingSettings(): StreamingSettings {
  const config = vscode.workspace.getConfiguration('aylaDss');
  const chosen = config.get<string[]>('eventTypes', [...EVENT_TYPES]);
  const eventTypes = EVENT_TYPES.filter((t) => chosen.includes(t));
  return {
    eventTypes: eventTypes.length > 0 ? eventTypes : ([...EVENT_TYPES] as EventType[]),
    dsn: config.get<string>('filter.dsn', ''),
    propertyName: config.get<string>('filter.property', ''),
    oemModel: config.get<string>('filter.oemModel', ''),
  };
}

export function modelSettings(): ExplorerOptions {
  const config = vscode.workspace.getConfiguration('aylaDss');
  return {
    historySize: config.get<number>('history.size', 1000),
    eventBufferSize: config.get<number>('events.bufferSize', 10000),
  };
}
