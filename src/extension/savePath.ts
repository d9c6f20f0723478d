// Where to write a file the user asked for: a path given with the command (scripts, tests, keybindings), or
// the save dialog, offering a time-stamped name in the workspace folder. Only local files: the writers use
// Node's fs so that big files stream instead of being built in memory.
import * as vscode from 'vscode';
import type { Notifier } from './notifier';

export interface SavePathOptions {
  /** The dialog's title, e.g. "Export Recent Events…". */
  title: string;
  /** File type name → extensions, e.g. `{ 'JSON Lines': ['jsonl'] }`. */
  filters: Record<string, string[]>;
  /** The suggested file name before its time stamp and extension, e.g. `ayla-events`. */
  baseName: string;
  /** The suggested extension, without the dot. */
  extension: string;
}

/** A file path from a command argument (a Uri or a path) or from the save dialog; undefined when cancelled. */
export async function savePath(argument: unknown, options: SavePathOptions, notifier: Notifier): Promise<string | undefined> {
  let uri: vscode.Uri | undefined;
  if (argument instanceof vscode.Uri) uri = argument;
  else if (typeof argument === 'string' && argument !== '') uri = vscode.Uri.file(argument);
  else {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      title: options.title,
      saveLabel: options.title.replace(/…$/, ''),
      filters: { ...options.filters, 'All files': ['*'] },
      ...(folder && { defaultUri: vscode.Uri.joinPath(folder, `${options.baseName}-${stamp}.${options.extension}`) }),
    });
  }
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    void notifier.error(`${options.title.replace(/…$/, '')} can only write to a file on this machine's disk, not to ${uri.toString(true)}: choose a local file.`);
    return undefined;
  }
  return uri.fsPath;
}
